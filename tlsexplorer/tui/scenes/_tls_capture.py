"""A TLS 1.3 exchange recorded once by ``record_request`` against the lab server with the
built-in samples: fixed bytes, so the wire scene looks the same on every run."""

from __future__ import annotations

import ast
import base64
import zlib

from tlsexplorer.core.tls.records import Exchange, Segment

_BLOB = (
    "eNrtmc2ObTkNhV+lZxekHiTOr58FMXBiR0JCDBrE8/P5VIGQGpgwQ9zmcOtWnbP3jmOv9a3U737z4/7xD/Gnv/z4+acfdZZWapFS"
    "+H9e7/Lv1s/dvVlvt85aXfuJ4eJyVLaPE2ffunccfytGeXK62vE+T23rRjcpfXYf0fu6Zb9pZcgb3trUeuZau01/scf1c1p5Meo8"
    "Hm2X2Y5e33JKkV5bEV6NV71Fbj4afx9e715TXpuvO6/8u/FapejjFaVMrjH593tfK9t8//OHn3GZ/KPzzjfbrPy951ttdb7L50rn"
    "VuW7LsYXkxc/q86La1auUTUv+nXtz3/CK2vJ+6R93So/9/l7fd+bzwvXk/25w+CV9d9l8cr/lJfxOiXfsXkHNeGryleVr/IO7XMX"
    "asP3he8L3+c5s2b8K6/bP+8pwt0+T8Uztvz3zKp+rYIP9m0uNXbdvt4cg2fgj7BRp3ibb7Q9+9y69h5ez+iDFdtb6yifyFUNitnL"
    "///8T/z58duff/rNjz/HL3+NX/6hDHTNss8UlPX5Nz1lT8ICbTj9jRga53W5YYwQE7zmbc4o9mE2rc8l665sNa/qPv97ZUhVyOeR"
    "+O55+XT8V4f/o7tX1Dbac+7SPMrwLuGKoknZ8XTf5T6qHTnOs13viJfrlRAVpG7X7xnK6WF6P1/X089uXq5MQRhnvNnvU6l991GP"
    "zbP6DKRq7ueGIlKlE1W/P79cykeuKFV7b+7R7tLd7js5X9z9lrDi9Y524q2xhvQePB4jOFvto4y1kTbvy4beYvHOfvXUaJMFt96o"
    "lyM+7Urjoit2O6u2Y70jHqu6XGfNMReXnbZj6bXFZW/rc04dW1MUY1+p13nMa/Z0zrrDbmc1ru0035NNY+9U6AZ/bY1Z7cqdFPNU"
    "qSp9T0FubVR9ux50lc+N4mwjj3C3p1iP56U39Xdm7dd4qG66bl1daSRFeirCRYVDJm3mXs5sKi1S//orVNZmUa4UtN6l+G9HLU/z"
    "x1yPqp2JxF0Mw9qqVlt//R56VO3OiFleDyxvjOn0mtw3/VYaTuQsQwvfsdr1rTfSHDTXM+qiUJub9XcPu8bW0S0a+q7RPb23QLbv"
    "M/aKPUec974Hj1l0nenmg4OKBU1kqfpr9+BqW7YJdZzL2vC4Pd2h3xWY7WPjyqi1iu0RtjoirA+jof1nHLm72maDUfBXrt4qvdFs"
    "fvvV12vQFNmFk+c49i49tcoZ2IxSkvvafmPnCGhlUadLs/nu65u6HzZnss31UQas1XRyCXnexrlMD19YUV0rdFzF+fWkNTLH1JWK"
    "1vowktPqaGPOwVgxY7x701+1hSIoIp9HCJaN77H/6A1MUaPvFll56jWEHolnddHzel+twMFCWN4de1eIpNvScq20y70AFaG8aloi"
    "KN3GTv2Ww4jEvOtSWz4xXb1p68owjDEaNFCajs4gX1fYRp+jbmMciT7OvBFx70WomHskKRpaQAePJWM8wOnNhcRQX7Bldx52MTgD"
    "TaA0rS75MBOje68eCqsoIvOBioqhpcdYPEqVF+wUhx6mjJV53XBNvOtoaBnzXp689Ko5K4EaQTp82dGzQksyX2btVAu5hhSftzvq"
    "xijh5k7nD01N4meh/IwFL/BNug7KxSL3nL4HD+CKVHI7peR1ant07nmv3jmi0lDoYgPA0Gnxk8R1bmsPGV3l7pVXstf5iO6HBtCx"
    "FV/woHyh1BpDoTB7iBstHeMebgDuIZyDBZUqHoeL0XzTTqEo86BBbm32YnPgGKVsRG5N5oNek/diMT+HHzX07sZoVmlHoZmYwBLp"
    "KRGGPDWEic4bG32LvYwOGtWbPDwDIe/lcg+nuIAu7iXubjyVeOpH2J7RL4tkSzc6gdcwgsUQYpqCHq1NmdY9nf2PxX7gZY+bRmqe"
    "NeiRHtjF0aATsnhu9u3pkMp4n52bghxQtbvqQE3YtHqj+Szz0YOlvw+FMTGOZNdgEvY4JnpXyYfnG4LcTaNb20MzCvKoL+2HDapK"
    "b0oc29Rd0KJ9oHyUuJ69xkNAZTQfr3F7C356HldjoHSxwkH5HzVPyEWjqzOhzxamDTSC2tjhlpSGXmWJPcsmfJjYoF5UrY0XVr0W"
    "1kPbVLNEdcE+DiYGSQi+TMORQYKosbde9avAKIxOX1xcEfNetDBPqRTkbBoWLY0t6poDIsto6ssTHEunnbQJYv0YfNrmUafUDYaI"
    "HX4JHGx5FOhAVpsMcfTHaNJ3CqB0n/OOtLaSuqL4X3EEHYW0+2QiU3vV3CxhbUgyrbXq4pEUmUPediCsjNNYdBP95KuzvRSh4uTI"
    "N0b3qAVtyTsQV2cBHsqVpK8GJ9BC8yJjg4nlex3urjVLUtGhm0/CIMxmDQXm8nFjBvx1YQjhLXBKqvNCPvHght9k9/QUPxQboSns"
    "7Zld9A3IpKggUlMNaZ9DGvGAlKBr6JKNh6MP195JLsGbyA14p7OmzI7MHutn+9BP3KKdgY6zxZ5GhIS2wvRNk8Qh+MJr1TVpd1qz"
    "ntRlEqTYSvPHtibj3qG/mJZXgo2A0T517oX/DBgOWzd6GexDdOoFQ2uP5A1kGZfDPhBViMoSoCZT2DsTYcZOwBHD0C8iIo7ekUCU"
    "0YxGbKjxET7YYZiFQdKDRMPAxd5VOAE+QhyZTZpxtcaleBjk4uJyDMUGR05nlOJhfXj3y6om1BxQBF8hIb8pkRwIAcjnabE0qAkZ"
    "nH1FKHSXjMcosPaNYIOjuwE0FODgqpgWRkNP6aWD0rAcvmR+TOAZqlAGOoleuUb6DsR2gZMPyMBo5ejZHbUDjB5eQ9Oj8EABrHoW"
    "vUzA3vsDvDSp6iRUI8YAK0764ReUhhnStMSGI7M7HQ3AGujVwpDsnLpwQ2roJoe8RAKHBSoSMiNB+830W2QFY4IWKoP9LAAK8P84"
    "jc4SA+aBYTERP7hfcJXGinKaSe4AMa1sZuBUh00pqM+WGEQb3GzAo7Douaglxrrk9QM/4gpAFNU9xhbyQAY38dfmfucxrdwAtoaS"
    "4eJa1JdzI/qi0WvwA8CCqoPADC/wiw6v1FZnTRAOrMuwMeoTw9t4JsEDVgNOiBjwewf5eurwBqEaE8sISOsmbx9fWOyWD5BT0AoJ"
    "gd2kKCoZJBUbhCZgpk1YCeFCn+hUzeCxb+IUI4Twk7L85DhZz+XhADX7OU9nfLs37GvMBWHtZM70RoaFYjnkH2R6qoxq0XW8mxsd"
    "HjWZ8WASCAsdAN0GLsG9yClYp2ieGWzPtIc2krIide9A06ACUUEXFyIbeMF/tqrsPSqXTmAdE2vGIiRbtFmeI62lPB5e28mS6Bk0"
    "elg0dJ95q2US4t2o32TYs6EoA7xrGQzwA6rYaJR5OtTJZ2Hzw+TjBlBGwVuvD5CIlk9ExjZWnnsRLnHSMKGazg+o52AfaQ7CC0PJ"
    "kEDz1vlBCzz8NEsFqnHHUeCeseMeE68mF/F5ZhLVGYy640gHNEQMS+4mXoXgNspEXYHqQt/zMKH4Fq2fUkaI22gN/jpA9ZWN2BZh"
    "bz0qVEiL6dlzFk8BZOTY7wfnFWbTEV0kEodGKiP3gJSglyzoRFYSjMELTByBlS2BFlxhXTBYM0A17k7n4Pt8jIQtuw2d2X0HmSfs"
    "VqKXaPK3Rl6KsWP/dz4GmFAFWgX1SZsP2AcWUFAUo6HFe0G+m62A3cgMbBTJ9BPcHFa6SsKKladW+ONm3mBRKLq+Rh2wfkgRepvM"
    "BMQ6GeEyySybaM9eMfuU5QDLyF2lzxhk2hWTuDPxar/sP3AQcU9MwFgvHgaGcBMirRI7Lg45v9M63cEoqnYSOiGXVHgcPSLJ0rEB"
    "J9GBKyFq9r5dmZQHXu/DpgKvC/Z0iYoggk+tEE0u/wNeUxGIlohtTbumf97naIGPYOgNj0SEOy7JSAApaf15GlDuIFbgjQowM1R0"
    "iyUi5tFfYjkbDTFjxhj1VOdztAPght41aBW5uA0oo/lBZ6DQITgFVikFMZIsCz01QUjxSywNtS6WewYZM0oM8Fmg6r6V3ENJN4BI"
    "NIAl6KaZDw3WVMyyZvQlljKpGQypcMPwGQf2jrWvPF0cmXMKmrYlHdsbU3nJZ9A7d4Gy4dgnI3LlZDzQlycBLTfpIUUTh7mkSoQT"
    "kKgwyKXPSQ4ow8wO4Lok2JoH0oSMFKw8n9gItOOW9d6s2N0CFAAtDGMSEc/n+PfNfVRCM5nYsBvYxGAWRWZoBoQV5GMFnYEFlmit"
    "3PXXH0ntrL+f9HxuucAFOhkAADdgJVh8WTFDI5Cj4CsUHyrwpHxolVviNAijjtMLZpKR+ei01P5B52AOBJ9OmZmyQojMcgajdppa"
    "+5xUbUjVFONhR9NaBtT4da73Tyf+/+Jkq4+HucHYzGZJSuPOJQkOTyWdcV0hfzkeYkBARVHx9UpmR4xIsjAuXlfzGJ0+YNs7QJQg"
    "TyoMTKXlSlLxkQp4EtXANYiVd9A8RJMErCHo1o7nvzqH/J5Hkg0y2s14EyIFhibX4aaUk0bIZPuyLdi1lwcYEMN6iIDWQRnyXOCm"
    "5TCjljEcUEULzycVNAo8MvPzV+JmQZjxD9ukpsnM0ztQxyLE42PkkTyqFJIY7SfwOl23yW/MHXaahz0dcuQ+eXpT+CYBaYrC/7cy"
    "8aBILpSk2AmfnTBBDCCDsjgQi7dMS3nAa0hdCrfQPPzBcnQA/sxgEBeQWfagJCtiZ/UcDIoyJheAfSvZhIqRFCHri9TbR+cLrpfp"
    "CTG0DISHSciRA0MXBIDbgf2TVCtE9ZSwPNg0mhivpeXyGC2RfKjg9XRhBlLqfjYTQtlLBo0AUeDz1JJ+aF5k+7yBj+OV5D0Yy7k+"
    "cwR1Q7KXXE5X4N95traTRICjLhQAAf/0DW2MCTWaDn0dkAeRJUYnKbf2q+7+7uiVPvTI1rxpV/IK25G/sWLZnuYKr1A2ZgxREfLK"
    "hMsGSpXfI3zmb0WWDnSQVlgQDSYDteQc53lRnnEf/JHdWHBkDg9hBP8aBWiiz8BSuourQkUGdrd+iUwAHhtDv1+QydEbMu7MvAYa"
    "rN06SoSnCyhHG0UevGdGdshM6elDS+SZDfbKG077D5OCXZzcyfQiMKINngHnpqK+A69Vbigp3n3ZTvwnsvAk0B29g8s9PtbSNMk7"
    "QhTGNZhsgYlBW96Sp80AiBMch0HuiOFgyCP5/GBqeP79HKeQfVBX9spxObwiR+NkRzC76cdoByZLWqHb8K6Cdbrk8XM0wfBwchIH"
    "6zmMllLSzY+RdrY+z9GZAzpU6cKJKpIzcUtch9xOzszD8UWG3Cy7ODFZEyOQCTL7JictOl65UP4Wi27E/+mAi2pTM8XqZ8bgPHdm"
    "skFGzzK+xc1we8G80pEy7JF/vENhcO3EF27vkE1JgoRXtOZ51ridVNLRF/qAW61RHhrAUCcu1MzOOL2VB60zvowwcq8ZtBuegJLO"
    "RdfaJHzQzFhg64PN80IJeaDIYMs6xARGIe7v6Xk+ZJpKLZXVWoLUV3fg5HnWBwH0Cn4g1inhg+9CnLnDp/DexvLhxSREUA+QJ6Nw"
    "c/pCqD05lsYkqDX0EL6gRZWcjeR+cXWGGw8CckpIzaegjZziOXO0nCi36pGkYXuIU8MznmODFdC1AcpAiEgx9Hz5EEgAJKEzIOfG"
    "r2ESbgtxGihEeFysmjTGNYJ5ygQKQaA58E2j0JBgh6k0X+wLYWK9gg4goEh5y3OrHma0L+8Bz31CO4G4DjAB4c5wwbuRr3du9iap"
    "GhV6LAmkIAkATwe/m/TBZMy9NEyJAK4IizDC3Gw87s0Yj6EIcx4qAnxcjMJlR448CaWZezJQHvrAGOw4OkjAAz9l5vnnh42mH6ho"
    "P/QJIyNbAsq5P8HzQ4SHYJcNTDKqeZrEdKOpRpqEvpOrFomPGrPhm9GU/G0caSycXLUC+Se+4lko7kq4qIrX4lbEKEaDDMymMHaE"
    "A1o0zyvJJqyNzs1fr2Q0wpjROCALKAXdwUeEsg+AD8VEGJG3aCQ1ABoyJf8xt8M7y7456jhR/m7/kxV6wYcKg5SXsiFoGEl2DDwu"
    "DzBuphr2Ay1keGhUai8ZzAo94mSUB4LyIHKw681zeOTNfE1iBNOMzSfRwn+5Sw2RAUs7+UiA+Zp5RjVVwMemlP7vnOZzZI0JI5dh"
    "OAFTzVgcSGBRZSZtMx+s8cdvf/83EErkDw=="
)


def recorded_exchange() -> Exchange:
    """The recorded exchange."""
    pairs = ast.literal_eval(zlib.decompress(base64.b64decode(_BLOB)).decode())
    return Exchange(tuple(Segment(direction, bytes.fromhex(data)) for direction, data in pairs))
