"""Symmetric: the Caesar cipher and its crack, then Fernet taken apart byte by byte.

Tabs: Caesar (live as you type), Crack (chi-squared ranking and a frequency
chart), Fernet (keys, encrypt, decrypt, TTL), Anatomy (coloured hex map and
every check), Tamper lab (flip a byte, try a wrong key), Rotation
(MultiFernet). All crypto comes from :mod:`tlsexplorer.core`; anything that
can take time runs in a thread worker.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from rich.console import Group, RenderableType
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    Header,
    Input,
    Static,
    TabbedContent,
    TabPane,
    TextArea,
)
from textual.worker import get_current_worker

import tlsexplorer.core.symmetric.caesar as caesar
import tlsexplorer.core.symmetric.fernet as fs
from tlsexplorer.core.errors import InvalidInput, TlsxError
from tlsexplorer.core.files import MAX_INPUT_BYTES, human_size
from tlsexplorer.core.hazmat.fernet_fixed import UNSAFE_WARNING, encrypt_fixed, parse_iv
from tlsexplorer.core.timeutil import format_iso8601, parse_iso8601
from tlsexplorer.render import symmetric as render
from tlsexplorer.tui.screens.base import ExplorerScreen
from tlsexplorer.tui.widgets.footer import KeyFooter

#: Text longer than this is cut for the live Caesar views (the crack still counts it all).
LIVE_LIMIT = 20_000
#: The crack analyses at most this many characters (counting is linear, but a 100 MB paste is silly).
CRACK_LIMIT = 2_000_000
#: The tamper lab re-checks on every flip, on the UI thread: it takes tokens up to this size.
TAMPER_LIMIT = 1_000_000
#: The demo: the Fernet specification's key and IV, the course's secret.
DEMO_KEY = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4="
DEMO_IV = "000102030405060708090a0b0c0d0e0f"
DEMO_MESSAGE = "the secret is: fluffy tail"
DEMO_CAESAR = (
    "The quick brown fox jumps over the lazy dog while the farmer sleeps under a tree."
)


def _error(message: str) -> Text:
    return Text.assemble(("✗ ", "bold red"), message)


class SymmetricScreen(ExplorerScreen):
    """Caesar, frequency analysis and Fernet, with every byte on screen."""

    EXPLORER_ID = "symmetric"
    TITLE = "Symmetric"
    AUTO_FOCUS = "#caesar-input"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+g", "keygen", "New key"),
        Binding("ctrl+n", "encrypt", "Encrypt"),
        Binding("ctrl+o", "decrypt", "Decrypt"),
        Binding("ctrl+l", "demo", "Demo token"),
        Binding("ctrl+t", "flip", "Flip byte"),
    ]

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # noqa: RUF012 (Screen types it oddly)
    """Below 110 columns the hex map and its tables are stacked, and the fixed IV/time row too."""

    DEFAULT_CSS = """
    SymmetricScreen TabPane { padding: 0 1; }
    SymmetricScreen .row { height: auto; margin-bottom: 1; }
    SymmetricScreen .row Input { width: 1fr; }
    SymmetricScreen .row Button { margin-left: 1; }
    SymmetricScreen #shift { width: 12; }
    SymmetricScreen #caesar-input, SymmetricScreen #crack-input { height: 6; }
    SymmetricScreen #rotate-keys { height: 5; }
    SymmetricScreen #ttl, SymmetricScreen #tamper-index { width: 24; }
    SymmetricScreen #iv { width: 40; }
    SymmetricScreen #at { width: 28; }
    SymmetricScreen #fixed { width: auto; }
    SymmetricScreen .label { width: auto; padding: 1 1 0 0; }
    SymmetricScreen .unsafe { color: $error; text-style: bold; }
    SymmetricScreen .panel { height: auto; margin-bottom: 1; }
    SymmetricScreen #anatomy-hex, SymmetricScreen #tamper-hex { width: 58; height: auto; }
    SymmetricScreen #anatomy-fields, SymmetricScreen #tamper-info { width: 1fr; height: auto; }
    SymmetricScreen .split { height: auto; margin-bottom: 1; }
    SymmetricScreen.-narrow .split, SymmetricScreen.-narrow #fixed-row { layout: vertical; }
    SymmetricScreen.-narrow #anatomy-hex, SymmetricScreen.-narrow #tamper-hex { margin-bottom: 1; }
    SymmetricScreen.-narrow #iv, SymmetricScreen.-narrow #at { width: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.key: fs.FernetKey | None = None
        """The key from the key field, when it parses."""
        self.token: bytes | None = None
        """The token in the token field."""
        self.fixed_token = False
        """True when the current token was made with a fixed IV/time (unsafe)."""
        self.tampered: bytes | None = None
        """The tamper lab's copy of the token."""
        self.tamper_key: fs.FernetKey | None = None
        """The key the tamper lab checks with (the real one, or a wrong one)."""
        self.flips: list[int] = []
        """Byte indexes flipped in the tamper lab."""
        self._made_fixed: bytes | None = None
        self._pending: list[object] = []

    # Layout ---------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Tabs for each lesson."""
        yield Header()
        with TabbedContent(id="tabs"):
            with TabPane("Caesar", id="tab-caesar"), VerticalScroll():
                yield Static(
                    "Every letter moves SHIFT places along the alphabet; case is kept, everything "
                    "else stays. Shift -1 turns 'fluffy tail' into 'ekteex szhk'.", classes="panel"
                )
                with Horizontal(classes="row"):
                    yield Input("3", id="shift", type="integer")
                    yield Button("Crack this ciphertext →", id="to-crack")
                yield TextArea(DEMO_CAESAR, id="caesar-input")
                yield Static(id="caesar-output", classes="panel")
            with TabPane("Crack", id="tab-crack"), VerticalScroll():
                yield Static(
                    "Frequency analysis: decrypt with all 26 shifts and rank them by the chi-squared "
                    "distance of their letter counts from English. Reliable from about 40 letters.",
                    classes="panel",
                )
                yield TextArea("", id="crack-input")
                yield Static(id="crack-summary", classes="panel")
                yield Static(id="crack-chart", classes="panel")
                yield Static(id="crack-ranking", classes="panel")
            with TabPane("Fernet", id="tab-fernet"), VerticalScroll():
                with Horizontal(classes="row"):
                    yield Input(placeholder="Fernet key: 44 characters of url-safe base64", id="key")
                    yield Button("Generate key", id="keygen", variant="primary")
                yield Static(id="key-info", classes="panel")
                with Horizontal(classes="row"):
                    yield Input(DEMO_MESSAGE, placeholder="message to encrypt", id="message")
                    yield Button("Encrypt", id="encrypt", variant="success")
                with Horizontal(classes="row", id="fixed-row"):
                    yield Checkbox("Fixed IV and time (UNSAFE)", id="fixed")
                    yield Input(DEMO_IV, placeholder="IV: 32 hex digits", id="iv")
                    yield Input(placeholder="time, ISO 8601", id="at")
                yield Static(id="unsafe", classes="panel unsafe")
                with Horizontal(classes="row"):
                    yield Input(placeholder="token (paste one, or encrypt)", id="token")
                    yield Input(placeholder="empty: no TTL", id="ttl", type="integer")
                    yield Button("Decrypt", id="decrypt")
                yield Static(id="fernet-result", classes="panel")
            with TabPane("Anatomy", id="tab-anatomy"), VerticalScroll():
                yield Static(id="anatomy-verdict")
                with Horizontal(classes="split"):
                    yield Static(id="anatomy-hex")
                    yield Static(id="anatomy-fields")
                yield Static(id="anatomy-checks", classes="panel")
                yield Static(id="anatomy-plain", classes="panel")
            with TabPane("Tamper lab", id="tab-tamper"), VerticalScroll():
                yield Static(
                    "Flip one byte of the token and see which check fails first; or check it with a "
                    "wrong key. The original token is not changed.", classes="panel"
                )
                with Horizontal(classes="row"):
                    yield Input("30", placeholder="byte index", id="tamper-index", type="integer")
                    yield Button("Flip byte", id="flip", variant="warning")
                    yield Button("Wrong key", id="wrong-key", variant="error")
                    yield Button("Reset", id="reset")
                with Horizontal(classes="split"):
                    yield Static(id="tamper-hex")
                    yield Static(id="tamper-info")
                yield Static(id="tamper-checks", classes="panel")
            with TabPane("Rotation", id="tab-rotation"), VerticalScroll():
                yield Static(
                    "MultiFernet: keys one per line, newest first. Rotation opens the token with any "
                    "of them and re-encrypts it under the first, keeping its timestamp.",
                    classes="panel",
                )
                yield TextArea("", id="rotate-keys")
                with Horizontal(classes="row"):
                    yield Button("Add a new key on top", id="rotate-add")
                    yield Button("Rotate the token", id="rotate", variant="primary")
                yield Static(id="rotate-result", classes="panel")
        yield KeyFooter()

    def on_mount(self) -> None:
        """Start with the course's example and the clock in the fixed-time field."""
        for widget_id, title in (
            ("shift", "shift"), ("key", "key"), ("message", "message"), ("iv", "IV (hex)"),
            ("at", "time"), ("token", "token"), ("ttl", "TTL (s)"), ("tamper-index", "byte index"),
            ("caesar-input", "text"), ("crack-input", "ciphertext"),
            ("rotate-keys", "keys, newest first"),
        ):
            self.query_one(f"#{widget_id}").border_title = title
        self.query_one("#at", Input).value = format_iso8601(self._now())
        self._update_caesar()
        self._update_unsafe()
        self._show_key_info()
        self.query_one("#anatomy-verdict", Static).update(
            Text("Encrypt a message or paste a token in the Fernet tab (ctrl+l loads a demo token).")
        )
        for payload in self._pending:
            self.receive(payload)
        self._pending.clear()

    # Helpers ----------------------------------------------------------------

    def _now(self) -> dt.datetime:
        return self.host.now()

    def _set(self, widget_id: str, renderable: RenderableType) -> None:
        self.query_one(f"#{widget_id}", Static).update(renderable)

    def _switch(self, tab: str, focus: str | None = None) -> None:
        """Show a tab and move the focus into it (focus left in another tab would switch back)."""
        tabs = self.query_one("#tabs", TabbedContent)
        tabs.active = tab
        if focus is not None:
            self.query_one(focus).focus()
        else:
            tabs.query_one("Tabs").focus()

    def _ttl(self) -> int | None:
        raw = self.query_one("#ttl", Input).value.strip()
        if not raw:
            return None
        try:
            return int(raw)
        except ValueError:
            return None

    # Caesar -----------------------------------------------------------------

    def _shift(self) -> int:
        try:
            return int(self.query_one("#shift", Input).value or "0")
        except ValueError:
            return 0

    def _update_caesar(self) -> None:
        text = self.query_one("#caesar-input", TextArea).text
        shift = self._shift()
        note = ""
        if len(text) > LIVE_LIMIT:
            note = f"\n(showing the first {LIVE_LIMIT:,} of {len(text):,} characters)"
            text = text[:LIVE_LIMIT]
        n = caesar.normalise_shift(shift)
        out = Text()
        out.append(f"Encrypt: every letter {n} places forward\n", style="bold")
        out.append(caesar.encrypt(text, shift), style="cyan")
        out.append(f"\n\nDecrypt: every letter {n} places back (if the text above is a ciphertext)\n",
                   style="bold")
        out.append(caesar.decrypt(text, shift), style="green")
        out.append(note, style="yellow")
        self._set("caesar-output", out)

    @on(Input.Changed, "#shift")
    def _shift_changed(self) -> None:
        self._update_caesar()

    @on(TextArea.Changed, "#caesar-input")
    def _caesar_changed(self) -> None:
        self._update_caesar()

    @on(Button.Pressed, "#to-crack")
    def _to_crack(self) -> None:
        text = self.query_one("#caesar-input", TextArea).text
        self.query_one("#crack-input", TextArea).text = caesar.encrypt(text, self._shift())
        self._switch("tab-crack", "#crack-input")

    @on(TextArea.Changed, "#crack-input")
    def _crack_changed(self) -> None:
        self._crack(self.query_one("#crack-input", TextArea).text)

    @work(thread=True, exclusive=True, group="symmetric-crack", exit_on_error=False)
    def _crack(self, text: str) -> None:
        worker = get_current_worker()
        if not text.strip():
            self.app.call_from_thread(self._show_crack, None, "Type or paste a ciphertext above.")
            return
        if len(text) > MAX_INPUT_BYTES:
            message = (f"the text is {human_size(len(text))}; "
                       f"the crack reads at most {human_size(MAX_INPUT_BYTES)}")
            self.app.call_from_thread(self._show_crack, None, message)
            return
        note = ""
        if len(text) > CRACK_LIMIT:
            note = f"Only the first {CRACK_LIMIT:,} of {len(text):,} characters are analysed."
            text = text[:CRACK_LIMIT]
        try:
            result = caesar.crack(text, preview=200)
        except TlsxError as exc:
            self.app.call_from_thread(self._show_crack, None, str(exc))
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_crack, result, note or None, text)

    def _show_crack(self, result: caesar.CrackResult | None, message: str | None, text: str = "") -> None:
        if result is None:
            self._set("crack-summary", _error(message or ""))
            self._set("crack-chart", "")
            self._set("crack-ranking", "")
            return
        summary = render.crack_summary(result)
        if message:
            summary.append(f"\n{message}", style="yellow")
        summary.append("\n\nPlaintext: ", style="bold")
        summary.append(render.shorten(result.plaintext, 600), style="green")
        self._set("crack-summary", summary)
        self._set("crack-chart", render.frequency_chart(result))
        self._set("crack-ranking", render.crack_ranking(result, top=10, preview=70))
        self.host.record("caesar.cracked", ciphertext=text, shift=result.shift, plaintext=result.plaintext)

    # Fernet: keys ---------------------------------------------------------------

    @on(Input.Changed, "#key")
    def _key_changed(self) -> None:
        self._show_key_info()
        self._reset_tamper()
        self._explain()

    def _show_key_info(self) -> None:
        raw = self.query_one("#key", Input).value
        if not raw.strip():
            self.key = None
            self._set("key-info", Text("No key yet: press Generate key (ctrl+g) or paste one.", style="dim"))
            return
        try:
            self.key = fs.parse_key(raw)
        except TlsxError as exc:
            self.key = None
            self._set("key-info", _error(str(exc)))
            return
        self._set("key-info", render.key_panel(self.key))

    def action_keygen(self) -> None:
        """Make a new random key and put it in the key field."""
        self.query_one("#key", Input).value = fs.generate_key().encoded
        self._switch("tab-fernet", "#message")

    @on(Button.Pressed, "#keygen")
    def _keygen_pressed(self) -> None:
        self.action_keygen()

    # Fernet: encrypt / decrypt ------------------------------------------------

    @on(Checkbox.Changed, "#fixed")
    def _fixed_changed(self) -> None:
        self._update_unsafe()

    def _update_unsafe(self) -> None:
        fixed = self.query_one("#fixed", Checkbox).value
        self.query_one("#iv", Input).disabled = not fixed
        self.query_one("#at", Input).disabled = not fixed
        self._set("unsafe", Text("⚠ " + UNSAFE_WARNING) if fixed else Text(
            "A fresh random IV and the app's clock are used (the library's recipe).", style="dim"))

    def action_encrypt(self) -> None:
        """Encrypt the message field into a token."""
        if self.key is None:
            self._set("fernet-result", _error("no valid key: generate one (ctrl+g) or paste one first"))
            return
        message = self.query_one("#message", Input).value.encode("utf-8", errors="surrogateescape")
        fixed = self.query_one("#fixed", Checkbox).value
        try:
            if fixed:
                iv = parse_iv(self.query_one("#iv", Input).value)
                at = parse_iso8601(self.query_one("#at", Input).value)
                token = encrypt_fixed(self.key, message, iv=iv, at=at)
            else:
                token = fs.encrypt(self.key, message, now=self._now())
        except TlsxError as exc:
            self._set("fernet-result", _error(str(exc)))
            return
        self.fixed_token = fixed
        self._made_fixed = token if fixed else None
        self.query_one("#token", Input).value = token.decode("ascii")
        note = Text.assemble(("Encrypted: ", "bold green"), f"{len(token)} characters of token. ",
                             "See it in the Anatomy tab.")
        if fixed:
            note.append("\n⚠ made with a fixed IV and time: UNSAFE, for teaching only", style="bold red")
        self._set("fernet-result", note)

    @on(Button.Pressed, "#encrypt")
    def _encrypt_pressed(self) -> None:
        self.action_encrypt()

    @on(Input.Submitted, "#message")
    def _message_submitted(self) -> None:
        self.action_encrypt()

    def action_decrypt(self) -> None:
        """Decrypt the token field with the key and TTL."""
        if self.key is None:
            self._set("fernet-result", _error("no valid key: a token can only be opened with its key"))
            return
        if not self.token:
            self._set("fernet-result", _error("no token: encrypt a message or paste a token"))
            return
        self._decrypt(self.token, self.key, self._ttl(), self._now())

    @on(Button.Pressed, "#decrypt")
    def _decrypt_pressed(self) -> None:
        self.action_decrypt()

    @work(thread=True, exclusive=True, group="symmetric-decrypt", exit_on_error=False)
    def _decrypt(self, token: bytes, key: fs.FernetKey, ttl: int | None, now: dt.datetime) -> None:
        try:
            plaintext = fs.decrypt(key, token, ttl=ttl, now=now)
        except TlsxError as exc:
            self.app.call_from_thread(self._set, "fernet-result", _error(str(exc) + " (InvalidToken)"))
            self.app.call_from_thread(self.host.record, "fernet.rejected", reason=str(exc))
            return
        shown = Text.assemble(("Decrypted: ", "bold green"), render.describe_bytes(plaintext))
        self.app.call_from_thread(self._set, "fernet-result", shown)
        self.app.call_from_thread(self.host.record, "fernet.decrypted",
                                  plaintext=plaintext.decode("utf-8", errors="replace"), key=key.encoded)

    @on(Input.Changed, "#token")
    def _token_changed(self, event: Input.Changed) -> None:
        value = event.value.strip()
        if len(value) > MAX_INPUT_BYTES:
            self.token = None
            self._set("fernet-result", _error(
                f"the token is {human_size(len(value))}; at most {human_size(MAX_INPUT_BYTES)} is read"))
        else:
            self.token = value.encode("utf-8", errors="surrogateescape") if value else None
        # The unsafe mark stays only while the token is the one made with a fixed IV.
        self.fixed_token = self.fixed_token and self.token == self._made_fixed
        self._reset_tamper()
        self._explain()

    @on(Input.Changed, "#ttl")
    def _ttl_changed(self) -> None:
        self._explain()

    # Anatomy ----------------------------------------------------------------------

    def _explain(self) -> None:
        if not self.token:
            return
        self._explain_worker(self.token, self.key, self._ttl(), self._now())

    @work(thread=True, exclusive=True, group="symmetric-explain", exit_on_error=False)
    def _explain_worker(
        self, token: bytes, key: fs.FernetKey | None, ttl: int | None, now: dt.datetime
    ) -> None:
        worker = get_current_worker()
        report = fs.explain_token(token, key, ttl=ttl, now=now)
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_anatomy, report)

    def _show_anatomy(self, report: fs.TokenReport) -> None:
        head = Text()
        if self.fixed_token:
            head.append("⚠ Demo token made with a fixed IV and time: UNSAFE, for teaching only\n",
                        style="bold red")
        head.append_text(render.verdict(report))
        self._set("anatomy-verdict", head)
        if report.decoded is not None:
            self._set("anatomy-hex", Group(
                Text(f"Decoded token, {len(report.decoded):,} bytes", style="bold"),
                render.field_legend(),
                render.hex_map(report.decoded, report.fields, max_rows=20),
            ))
        else:
            self._set("anatomy-hex", Text("Not base64: nothing to decode.", style="dim"))
        self._set("anatomy-fields", render.fields_table(report.fields) if report.fields else "")
        self._set("anatomy-checks", Group(render.checks_table(report), render.ttl_note(report)))
        if report.plaintext is not None:
            self._set("anatomy-plain", Text.assemble(("Plaintext: ", "bold"),
                                                     render.describe_bytes(report.plaintext, limit=500)))
        else:
            self._set("anatomy-plain", "")

    def action_demo(self) -> None:
        """Load a reproducible demo: the spec's key, a fixed IV, the app's clock. UNSAFE on purpose."""
        self.query_one("#key", Input).value = DEMO_KEY
        self.query_one("#message", Input).value = DEMO_MESSAGE
        self.query_one("#fixed", Checkbox).value = True
        self.query_one("#iv", Input).value = DEMO_IV
        self.query_one("#at", Input).value = format_iso8601(self._now() - dt.timedelta(seconds=42))
        self.query_one("#ttl", Input).value = "3600"
        self._show_key_info()
        self._update_unsafe()
        self.action_encrypt()
        self._switch("tab-anatomy")

    # Tamper lab ---------------------------------------------------------------------

    def _reset_tamper(self) -> None:
        self.tampered = self.token
        self.tamper_key = self.key
        self.flips = []
        self._update_tamper()

    @on(Button.Pressed, "#reset")
    def _reset_pressed(self) -> None:
        self._reset_tamper()

    def action_flip(self) -> None:
        """Flip the lowest bit of the chosen byte of the tamper lab's token."""
        if not self.tampered:
            self._set("tamper-info", _error("no token yet: encrypt one in the Fernet tab (or ctrl+l)"))
            return
        if len(self.tampered) > TAMPER_LIMIT:
            return
        raw = self.query_one("#tamper-index", Input).value.strip()
        try:
            index = int(raw)
            self.tampered = fs.flip_byte(self.tampered, index)
        except ValueError:
            self._set("tamper-info", _error(f"{raw!r} is not a byte index"))
            return
        except TlsxError as exc:
            self._set("tamper-info", _error(str(exc)))
            return
        self.flips.append(index)
        self._update_tamper()
        self._switch("tab-tamper", "#tamper-index")

    @on(Button.Pressed, "#flip")
    def _flip_pressed(self) -> None:
        self.action_flip()

    @on(Input.Submitted, "#tamper-index")
    def _index_submitted(self) -> None:
        self.action_flip()

    @on(Button.Pressed, "#wrong-key")
    def _wrong_key(self) -> None:
        self.tamper_key = fs.generate_key()
        self._update_tamper()

    def _update_tamper(self) -> None:
        if self.tampered and len(self.tampered) > TAMPER_LIMIT:
            self._set("tamper-hex", Text(f"The tamper lab works on tokens up to {TAMPER_LIMIT:,} characters; "
                                         "this one is bigger. Encrypt a shorter message.", style="yellow"))
            self._set("tamper-info", "")
            self._set("tamper-checks", "")
            return
        if not self.tampered:
            self._set("tamper-hex", Text("No token yet: encrypt one in the Fernet tab (ctrl+l loads a demo).",
                                         style="dim"))
            self._set("tamper-info", "")
            self._set("tamper-checks", "")
            return
        report = fs.explain_token(self.tampered, self.tamper_key, ttl=self._ttl(), now=self._now())
        last = self.flips[-1] if self.flips else None
        if report.decoded is not None:
            self._set("tamper-hex", Group(render.field_legend(),
                                          render.hex_map(report.decoded, report.fields, highlight=last,
                                                         max_rows=14)))
        else:
            self._set("tamper-hex", Text("Not base64.", style="dim"))
        info = Text()
        if self.flips and report.fields is not None and last is not None:
            info.append(f"Flipped byte {last} ", style="bold")
            info.append(f"({render.FIELD_TITLES.get(fs.field_at(report.fields, last), 'outside')})")
            if report.decoded is not None and last < len(report.decoded):
                now_value = report.decoded[last]
                info.append(f": 0x{now_value ^ 0x01:02x} → 0x{now_value:02x} (lowest bit flipped)")
            info.append("\n")
            info.append(f"All flips so far: {', '.join(map(str, self.flips[-12:]))}\n", style="dim")
        if self.tamper_key is not None and self.tamper_key != self.key:
            info.append("Checking with a WRONG random key\n", style="bold red")
        if not self.flips and (self.tamper_key == self.key):
            info.append("Untouched token. Pick a byte: 0 version, 1-8 time, 9-24 IV, then ciphertext; "
                        "the last 32 are the HMAC.\n", style="dim")
        info.append_text(render.verdict(report))
        self._set("tamper-info", info)
        self._set("tamper-checks", render.checks_table(report))

    # Rotation ------------------------------------------------------------------------

    @on(Button.Pressed, "#rotate-add")
    def _rotate_add(self) -> None:
        area = self.query_one("#rotate-keys", TextArea)
        lines = [line for line in area.text.splitlines() if line.strip()]
        if not lines and self.key is not None:
            lines = [self.key.encoded]
        area.text = "\n".join([fs.generate_key().encoded, *lines])

    @on(Button.Pressed, "#rotate")
    def _rotate_pressed(self) -> None:
        lines = [line.strip() for line in self.query_one("#rotate-keys", TextArea).text.splitlines()]
        try:
            keys = [fs.parse_key(line) for line in lines if line]
            if not keys:
                raise InvalidInput(
                    "no keys yet: type them one per line, newest first, or press 'Add a new key on top' "
                    "to start from the Fernet tab's key"
                )
            if not self.token:
                raise InvalidInput("no token: encrypt a message or paste a token in the Fernet tab")
            rotation = fs.rotate(self.token, keys)
        except TlsxError as exc:
            self._set("rotate-result", _error(str(exc)))
            return
        result = Text()
        result.append(f"Opened with key {rotation.opened_with + 1}", style="bold green")
        result.append(", re-encrypted under key 1 (the newest), timestamp kept.\n\nNew token:\n")
        result.append(rotation.token.decode("ascii"), style="cyan")
        result.append("\n\nPlaintext: ", style="bold")
        result.append_text(render.describe_bytes(rotation.plaintext, limit=300))
        self._set("rotate-result", result)

    def receive(self, payload: Any) -> None:
        """A ciphertext for the Crack tab, or a key and a token for the Fernet tab (the course's)."""
        from tlsexplorer.tui.payloads import CrackText, FernetMaterial

        if not self.is_mounted:
            self._pending.append(payload)
            return
        if isinstance(payload, CrackText):
            self.query_one("#crack-input", TextArea).text = payload.ciphertext
            self._switch("tab-crack", "#crack-input")
        elif isinstance(payload, FernetMaterial):
            self.query_one("#key", Input).value = payload.key
            self.query_one("#token", Input).value = payload.token
            self.query_one("#ttl", Input).value = ""
            self._switch("tab-fernet", "#token")


__all__ = ["SymmetricScreen"]
