"""The app's screens: Home, Help, and one per explorer."""
