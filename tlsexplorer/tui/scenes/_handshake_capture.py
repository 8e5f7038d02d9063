"""A TLS 1.3 handshake with the lab server recorded once, played back for the Handshake scene.

The client's randomness is fixed (:data:`SECRETS`), so played back it sends
the same bytes it did when recording and the recorded answer fits exactly:
the same walk, the same picture, on every run. Regenerate with
``python -m tlsexplorer.tui.scenes._handshake_capture`` (prints a new blob).
"""

from __future__ import annotations

import base64
import datetime as dt
import zlib

from tlsexplorer.core.hazmat.tls13_client import walk_handshake
from tlsexplorer.core.hazmat.tls13_model import ClientSecrets, HandshakeWalk
from tlsexplorer.core.hazmat.tls13_transport import ReplayTransport

SECRETS = ClientSecrets(bytes(range(32)), bytes(range(32, 64)), b"tlsexplorer handshake scene seed")
"""The client's fixed randomness."""
SERVERNAME = "alice.example.net"
"""The SNI and the name checked (the built-in sample's)."""
PORT = 8443
"""The port shown (the recording was made on a free port)."""

_BLOB = (
    "eNoB0Q0u8hYDAwB6AgAAdgMDAWStGm54T7c2oNiRkTJmkeVQEGMBGkaMd+bBWMaXP64gICEiIyQlJicoKSorLC0uLzAxMjM0NTY3"
    "ODk6Ozw9Pj8TAgAALgArAAIDBAAzACQAHQAgATv5eLobAFFDuSJRCnRLoW3SHxWedg0ZUuIMdEFMLQYUAwMAAQEXAwMAKmKYpyki"
    "jo4JM5nYsHPWZUkd5IZ0mb4qMuh1R7b1f+PiX78fg6liayJM7RcDAwfS4dPgfeaiqKB4IX41ztcr0eCTEs0f0q7VFi0B4Do+sxSR"
    "nLkCeM/JadyG9dmMxiKdBDp7Uy1OeM0VH54D4Vdzb664yP6YSylOi1fCkbGlHwZQ7J4TvsjcJqt9//DmSRDytrVW0Ziz5G5IoVYW"
    "YM8Mb54rsCwBCFNFoW5HsBsoV/FChpWReq6LY57xwxuJHJ6p1/qUjrHJjqODv8hHW4tt6o7Uj+D8YVy/vLUluVkstfUxrwz8aduZ"
    "a0NWCkqzwIxy377qpMCRyBabjFXu+lgW7u8JgwtLbmY5/r7g9hp0Uw/j3NMVgfGPsTBobumZwMcicNxn+lnAN5uZg8oFhWPo78js"
    "co/aa5FBqYY9qGfdE5ZDKu5aZJaSXinf/7L1zBjp9i3RY7Z/z+D3qXyj3C7Xrhc3VmMthLCG//jZ/MzMcooXExlunJ+ptbJ+DalK"
    "ZVLGtDgPSR0jvoYcPPq/ZvxFlJ2ZKvfvPd/ALDTwEjs4ys1XZo2MDlGqGEQMqBj/R6Z7v5HCGXRN0Q2yhfzc+Ef5RcyQWCQP8zd5"
    "FVcUA/d4S6TqW50ANhXnEZM7PeSFeeen2Rqvw/NABY5ztTVN8rmDGwdMV6j2mi22UgHZD6ujGYPxP+01m3qxSeJGLpMwhMjxDlUB"
    "Kr9cmRxyHhIvOVjbUdMFCPfpR27i+6DJADYUmQKc6eHs2+/omkn3I2WaFpmGwzXx6NLmsc/lvdHoEgglvu1brYRQ1QW8TGAuk//H"
    "PwIQVfe27PMPiF74NmiMpWQY+h3WaXTuaqfinVL7/0c8C7g/TfVIJ4aC0ApoWoVXGf6nevWXxToc8xF9srjk7IM8q01lWaemIUNZ"
    "rxND3Yj4zNwrUcUojy0AOemt39imdSqOBQZe2KzCADQqWL7Qqj28FZduV12ipL5vTCBfthBB19VIxRg5auE6gUWztR6QrbFB8wLA"
    "80h4hxZds3sI3B/xHAqeDv0IAXsRmkH7J4EWEZM5XZk50UfHrLPEvLE8BORB+oAdfzXLc3TnQZV/nKheBSf2Bnkx28wcRunNEXz2"
    "S6+TSPG7TjrXUij8Cjdrmaz9/FvsjkRCvgZnGZEdgTYnAHCkhyLt4bCALK6Mr7dw2wLGAv6bMakD67NBGXKkbjuZ4JJva7PP6chy"
    "CPOpBfuapsLwIRBwUXb6BOx1k3ZnbUuqv6wxB9ZIDZ46+qTs2eYBdb6VKyCNpMRAnmpvBTFRfr4ThSPn3HKpTL7LkyTsTRjUvuQM"
    "CWqSPw7ziLaD29ggzo+35ly8yi+bh0uz04KSJOoHbzIDKp5KzIcU8RSIwD29HoVyQU47w1FNDIKIJF+IgUofRc4y9lSdLYmKP0x5"
    "uPHzQ70JdB0CA1HsKqo6thYZI0w73In8TRz3QjhiGJr7aKw9wmbkfUvdt0ChvsW3mUzchPiRxtuEGelVkHkp2aYs2DEy/oLu7ZJp"
    "KFete4XMzpfG/jgDtysB1c7Bkql2O6kRsbf+7MKqlTGxI4duo1fv5h33Nx/5atDp9kE1WCSXTZtMA9eNml+LXNuRjphRy9a4TN8w"
    "DnccQY0eAFNAoiEdz/AopBynUkpYtEU5xyaX4ba6b7nS1vSNGZgI+EGZRGmQJOLV+HPQVEK+DJ5HsZFGVz66dcLYquUv3bTh+sCu"
    "ukbcIiJzYuammH3m38tMWy/znpRZmdJ3oWGjKQ84BrmgN8A+xbbWR6xOpxnCyMM2RL5spHB1GYHBqsl90rgYEBQLGoic8yumSpnE"
    "3IHszd21DzPizzpMTcza1h9gOfUmywcUj7HAKr0Ihiz9XngUP+7hc37R2Wp8UMPsCrDiWyEe5TB9N7hE+wc6qkJQq+4cp2fQANXV"
    "p/ItjuvcK7w3d7rQS6NUUpNPk6JD9c6fcmf29v1J1hgCWwHIIHsIjPof8Qsp6yLvfJ37+4gL+tRgZzFyzjy4XOlhw1JdwjgV0kzn"
    "x0ZcLN0CZ/jTA6fH6ANwFn3M8W1abcwwGBrjWofRJPacJmWfpaiMfLV/l2z5hcSbFgu2Wrhi8xDUKXxOD18L+znwhSk4H5WEkj+X"
    "1+M7E5elC47DL9s/G3WLSpsVmjfFlfc6Dx24uHuObpFgmHnpY8v2p9V8C4kGnEiiLBQZZcE8hnBtM2bnHpjecI0IyxlRQAG+FNb2"
    "qzR8Yq5/GlR03YzuW+akVQxuvi7v/qRHW2iFQ8WlHrxfM9IeVKw4ORKiO+FAPr/MXuARzkD9N5nSNpjFEhLl7/NzOHNhPs5VKnJN"
    "qJTXtllJ+vEc+bw571ylJrJF0wWL9yLv8w1x6nlpRBoX+RFah2W+PorzLXT5HUQF00G/wPSE/TpREDCWi3VGB5wIiCOniacytj5v"
    "SEl330U/sHveb3xdPssAsBckuoRYwwQOWVxmfZ4svHQjQy3Yu+nPpmGf/P32tVaUU5QDSy8GlmABGMvEDlvdjqU/DmIDPJLGdIsJ"
    "rsRndPAO+bfoIarzs6nUGgvdNJB3Sj7Dlqld9KmUd5FSzIIGRlC6FlVWPvs7XTbcQV7ZXGY9ssiCdHhRPbHkskb9Y3dD3nBl9Gxu"
    "IgXw9OldoYjQjnO+w5C/TmXEbniu7nh2Szw827uM66ww+L9Ore0xQW2SdxBa6jg9507Mz5YElAsRqB1i+2aKNb6zVRYXMeCErs/d"
    "d9zGEgzgtnXeM6o2VIP06rriLRcDAwEZYxx1YgDa/eUjXNZSvwI2DGSVXihSlqvdwKlpaidlDL0FRF6SdT1S1qYvysZyqKgKHQI3"
    "XFTjRVz2k/40emnHN0fnyuNrXPey5rKhWHIVM8w2/hG/ngJaSyyqNQchHKLkxhT9sVggbVTr2XnAvaShj4CVc/QD/uFYC4aPeNg5"
    "5anPVpB0hm+IJBeROANWEHccbXv88xLUyNkspHiV7bRtXmPANDnVztoz0iwRVmlI9axk6DaKdvHTnhrt47ordKDb6EaS0q3Vjozd"
    "eFoVmU8c16C47fjvJfcefwxbTR1ky+VFQBq+7pXMx317/8dnO9QqCCC5NQ0W7+rlcI9uVDFOW5gxyRX7trIaY9q38OTyzrA9aIvn"
    "W6t1ft0XAwMARcSPt5pRppXwUCaVZbl7E+jP4gCHyKSoohCUGRKtsdm/TSkhqgfbXk1aGw4FflL1jQmJ8efqvDtlqiaNrESQej+w"
    "ANN5qRcDAwEarfxaFojzCVJ9FQoDbQbIevAQkDF0TzIKEirNOR1ugGAoGAMK0Ib8QRYceO8bwax/vHTgVQKR+Y7GgrtJYKuRbAXu"
    "Pur+FowifF0CEqB1tFbtZkd0oEjGeM+kwNBsbjUyj0XLzWtd4YTrz+dUx/+yDINVwWogUyGzO78pu3bfl3Tju1W+XafqW8OQ3WtQ"
    "lD+YIg2aP33IO/70VmsmBZITAzvqMFQ3X7bVzA1uxCQhRELKWGI197M0vnxHCx5WTpoHQEwZrJBzFyRSb+58lViYC1tA0C4wyCHn"
    "svWalladFMPrrH/jjUNtsWqIUFeMDHvA/hjs7n8evcCc7nP2cJcgwuFwm6GxE/lF4uEQdfsBUMqjOcm5pEjcC+QZFwMDARpHMouA"
    "TivxQ8XaGDfY02vn1ivjT1mB0a1hcfl7RRosk8cIshBFi96h5w5d9JBXIm180uCsgNGwYghWJJsoFujlIXhBPm7fq6ZEkLbksL5W"
    "xAtbauFpOrKMPbD5a3QpLvUIsyeMjqLZwJoJ0jVIrRbfSwlSvTbg2Uf0qHNSQrLa+c9/ycjPO9pl97D858A8tOQy6ZzCQQQvbSQv"
    "xx1mXYbqfdpPw5P1qCUTwCkuOmjK7A454m9NmqBVkhOMz+iPbP6jLxfegqHU3EKstZFWnZ0tUS4wrQ/hzFm+7tFh/AUBB4jQiNJm"
    "fh+Pybn9fv0uWsMGvvKoI4+YXlQSBKqdjK+eArrOodQ66wwhMk1i9LT17LbsAlx3dbYIQisXAwMBm7gG3StuR8+DqUXg0VyeeRO3"
    "GTEq03ZhIWcEisIrtgQimZLfMDYlhTRYpXIv6RYJFDp6/N+GrTOpLxMwWJwV9fYV4I6tmER7kwd9pdDa/qI8HtryLXy9WkztJpUL"
    "ux0t5GM+WntG0F2h6h7JH2hxZi7sLSAUOd+xOoXZs7KmJZuTfVGzAxQUpp8+ver4PYi/00uqVaJCwQy4sYqVyrAXMI8LpmZypT31"
    "gdxfUhcJBJ82PyXvd3PN7YAuYBTPTKumLL1AI3fSP0MC8/1rPr3m0wex+F2KItWMB/3ojBmIY21uC7pV/IZ4r9SVmmnUVh/vsNbG"
    "k+OHPohuR13l27r0MD9XK29RSNpCtyHrv97oE8e9ca0HOkKS/YN8VhhafyYgPq7IKYM5r0Xzshbi0gUkyC+hQGpjhBU1qVB79QGQ"
    "vIGukQC1bwO7ksQ7R/EkYPJ1FJkqegU3N6jW6yu8bO2yMo6GIXBz2RnkSpLK8I2vWqWrBhpINb7f7y2tXW6PV/fDxyIZ5HB1doUq"
    "0VTISc5+76dIJv07ZjQMdYGXPzyIu1Q="
)


def _root() -> bytes:
    from tlsexplorer.samples import SAMPLES_DIR

    return (SAMPLES_DIR / "charlies-root-ca.pem").read_bytes()


def replayed_walk(now: dt.datetime) -> HandshakeWalk:
    """The recorded walk, played back."""
    server_bytes = zlib.decompress(base64.b64decode(_BLOB))
    return walk_handshake("127.0.0.1", PORT, servername=SERVERNAME, ca_pems=[_root()], secrets=SECRETS,
                          transport=ReplayTransport(server_bytes), now=now)


def record() -> str:
    """Record a new walk against the lab server with the built-in sample; returns the blob."""
    import time

    from tlsexplorer.core.hazmat.tls13_transport import RecordingTransport, SocketTransport
    from tlsexplorer.core.tls.server import LabServer
    from tlsexplorer.core.tls.server_files import ServerFiles, load_server_context
    from tlsexplorer.samples import SAMPLES_DIR

    files = ServerFiles(SAMPLES_DIR / "alice.example.net.fullchain.pem",
                        SAMPLES_DIR / "alice.example.net.key.pem")
    with LabServer(load_server_context(files), port=0) as server:
        transport = RecordingTransport(SocketTransport("127.0.0.1", server.port, time.monotonic() + 10))
        walk = walk_handshake("127.0.0.1", PORT, servername=SERVERNAME, ca_pems=[_root()], secrets=SECRETS,
                              transport=transport)
    if not walk.completed:
        raise SystemExit(f"the recording stopped at {walk.stopped_at}: {walk.reason}")
    return base64.b64encode(zlib.compress(bytes(transport.received), 9)).decode()


if __name__ == "__main__":
    blob = record()
    print("_BLOB = (")
    for start in range(0, len(blob), 100):
        print(f'    "{blob[start:start + 100]}"')
    print(")")
