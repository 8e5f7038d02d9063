"""A TLS 1.3 exchange recorded once by ``record_request`` against the lab server with the
built-in samples, with the recording client's key log: fixed bytes and secrets, so the
decrypted wire scene looks the same on every run."""

from __future__ import annotations

import ast
import base64
import zlib

from tlsexplorer.core.tls.records import Exchange, Segment

_BLOB = (
    "eNrtmkurZclxhf9Kz0oCDfIVmZFDIZeQsJFNqzECt2ky8gEG0wPZ+Pf7W7dKwkbWSPLA4Ko+VXXv3WfvzIgV65Gnf/JPP/m0//Vf"
    "7o///uln33zKPdWUU0mJP3m9zde1lbdezWv0288a5bVjrzw/qd4+zcpY1mx5O3ly7binWDqlWo/39vCSLL/65u3LR85prWg1Ge/d"
    "M9c9e4kxt5/W9m7rLrc6nWv22JPn9PVSKi3XVHhVXnmnsrU0/g5eb+81eTn/brz0d+U1Upq8d96UevDi6/e+7Mz5/scvfsZt9Gv2"
    "3V+vPfO39zfqaHyX96XGo9LXuiz+0Xnxs3x4cc/MPfLUTb/c++N34aVacl2pXx6lH37cbybvPhq/WXvN5db85a4fV42vK+PuhacV"
    "/3i+8VJ3PA1e+s1dWI1zR13hXOFc0XiM8eofz68fa6ByfJ828OraRdEq7OO+7eOaVHjax5pZSdXXXTX/sseS4nb3TePj7MN7jvWb"
    "6vZHj69FLcsLFbbVJyg5fvzS09J6GbVd1TcbG7L0/7/+j/z69NOfffOTT/92f/8f9/d/ZAZwMdbHFKTx8XVcJp9OP692/UAH/e6y"
    "V1pWjK/O8Y9ZP6kN672VAS3sY9Nq6SvWX84MYgWtp9yvqC4fmP6C4T/id9c4F3ayNUBqHoW3zx4MX5q726yznma9Mlo2W89Rp8F5"
    "5926704nf50SzQfz+WViVj4+echJd3MZdzRjiQziyWzzVr75+titvtVvXtCP3jNzYljarUyVLTttpek3ItaakMGXu1Mn7jqdTbbi"
    "jSvKffvmcyE3uINaMIA+fe/eS27r7Zx957nubXsVvmY6W1+nHij4TVhjjRlvrVualf1q65b6fub1RM3vGAvNK2ZJz1L0xY8zpWWl"
    "5pS7szX6cmYXN8y262uW+E4Uu+JkylWdZTUqMUo+maLPwiZy7FtmqWuv1WnqCPCATJSzedSpKz3AsqHnfSt0cuBdOOXUemGNum1l"
    "dGXkE+uOtcoYs93nfcH/J3zyzFJOLYdvcq930svjpdYe6gMhnthRPQTMFL7bHS/PTmku/b5cTlnOgcT3jHTZBgJGb1YAVKA7WIGd"
    "u8FGplWlAJgDz4FIzyOO0cqTPXvbTVK42W/q77rtudM6SKYA1IOHGZ1obnHKjfN6tAL5g/uR2mNzLKBR7nlBzGznrpGr5T4W+6XA"
    "aFVQf1t1dzSDIo45bzslGxuerHQhvQ2ijmAW6MpoddBM83YB/838a40h9QPjVrp9yMeKPoqvPPMuec+DjIwCnCnDSzZ2ZMbnpHPG"
    "HvyqCDooHHVGtTlHXtbNbNvDHCzbnRmlTOBob6axFIQuoc8VI8Gk52d7MGC32Ai2XygdXb2vHEjDKj33e+dZCPFguzM9wbjn5S8A"
    "a5+T6ToWIA+xQabXjEuv540xoKGdy6otT55jwWrahQASExjDe2sLhC/2ZJWNPopcxqOE2xu1Sd3QW/C2nt/2ig/39upmIQwx5gM4"
    "1V0xGO74hHOtVTjAqE5/ZmGjllZqowrjjuw8tVwK2fxOBpquYJLaqvYcupl5nkaxw6yh6NmgmwMh9c0Py0BR46Z+oLsOnxidgQ1T"
    "s7yzLfigyM9syBRm0RDHALDRJoThzqhyu7JOLufgTmDanm/0ygt6CD+TJ+xFtVj7idOtItAN6xO512B8Xy4Bxw0Nnq862zP5ru4z"
    "vzjRMRPuYQxW3+skINEoKuiDyFjwKzBWzs3fG17HptgvoHHwINNA2c8bK1ikFfwiLeljlpztXSC+d+7RJ8ZkGD31hgl5McAUg+0A"
    "hqXqahgdFejDcR8sqYALpKQWCxrnDQ/L5EAeNNBHV+1yOjOiwnVU3queOEehqc71UGMbFRQ22AoRCMPOXGYEKNYG2QzLlZtUwbU8"
    "xgiOWUgg/T8tynX4uF+MESNS2OC8c0IHssOwV3LJRTlMwUzQ0sIJ0kck46GPN+CagnAwzBPZWxVhDGcA7QUOC3HpmlvmYfFeJsRx"
    "3Os0EAcgN4zT80Td9oqcLvrMwuYe14tDBxAN034Kwwj3dLxwElLpOhqLp3sgqVFDx+ZFjsWUPSQwHX9OG4v2UxhyY9bqOcjFRmwa"
    "7NsZRCuqPBRCyTo4lOgwV/Qx7cBD0gNs+pLi9EAuCgiA5nO+lwkdcZGrtHJgK6guy2ZR98GZE1PZJvIT9vZDP+d4Iw30Z0pUmGe4"
    "bcWja83gPbDDKIMSYNDKGQ8oskL8BvXvr+0bzylxZlmqPltDetauqALaBPVu0FVYQ0toIty+6l0Zfd9MZLpM9oPYvFcf6dxABTpA"
    "Ycw6JVxo33kLuF8GK/DMTCp5CFZZFPKSPLDG2BW/zMqYbG2/j7C0D9ehyAYt4BBALFSX9tqTG8lSkFaQtp4uWkWDJ3a8RWOo/Tpb"
    "5UrxEQOyTXaKXo1ptAxMIfywGHeeDO60TlW8rNtrdrwWlqCGCfUv39NbBmLXaAit62lnKMxIWhawVB8NL4O7yO+GKD0BE3gXAsJX"
    "vYFI2CQi3sd3B1bqUn46kt7krmuiMjVD4gQYbAzKigczEBl9U9rKLTqKwabb9clP4G8TUuJOh/EhyrZd85vg5o7mNpkANZ/pxTYt"
    "9AggeA6HljM4b1KOXSlNU9iiBNgA2sOU7EAZDVMkK4GHo5CwZGqM8cRJML0kuUnv4XRZUXgTlifeKtumhWpST+XRU0Pr7XkgP0Te"
    "eYAkXI5+wYqzIkv0DlVCVAsec/NANQLdwfO4gmpGbekfU48Nq1Ihi4Hi4a38Jl/MIjpeiVfEKpA8sZZs/5VC2isiPxLdNVttAIsM"
    "RwK2qkDJDSe3eaXnBhiAnGc02mH1SK95fYVvvWUQBXrA1+wJfTzwLVWzDPyw5uzYkKzOjbEqKDvWE5tGM9eDNGEjUnqSok8xj6wf"
    "eoB6o3vtONrhALIDFQYP9afhGAq6gguqCAbU0tHjc1ZuM6+GrFMQpt+0h0E6hco1UMGqLzOr5xXCJj7sDeMnNNEutm0jvHj71lzy"
    "DLNqeBBCxBa/htHFB/iEMjFYpNc0tEeIE3+QNQdJvDwBOStDoVnmwfNWSHQVyI9cUo19bpwMFUSdiBxBR3HRnnMAVnIArcelQU31"
    "ZcYJvQXIEEWZyPQ+De7psHdDxxFE7KLOD1j0GCIlFC4sX3getmPWUY6MjOLmGyT3yFZ4ByazZ6MKk8LT+LxX1ZEAzuKhdbbeQsYY"
    "TknO9aiPDXthijbzXE5hH/hkNIvysFtoUGR65OaUKZAyEhhpikCAep/pTFIHwo2RH2docjNaIsq7gSVG9wlM2F72GhnE3xG0pOIt"
    "EXjTwYGcI4YCuFKUAM71NrLRg1R6ZbuUhulB5YAGGWCDfmwYFdcQv46b7dAKTmQh/4S4zMxB7QRQdEemH8uAd0ercK6nQlLtw+OR"
    "/ZhM/A+6udPE4nhPA+MrEwcwgQFaBuIndrojgQqzHRfLGNcNvyvQaKofbo5qG6yJ/AaThf+a8Cgag2rdrgSMgj5FILipKefeyVAh"
    "n4fuchUgIT1euoSpKYpuSsG1DRBJwgibgSqvTJibEwxfxgMq6q4BhBXxVmChUlN8F2M43WS8saxYf+zHJT7XwWDCCVcuGritJOsC"
    "U9DNRRAgQjW6CIAYrK1MyKIgzWqDasKRC7/Nc86AR3kfO2HsKPlbiCKxB8MGgDZLe+3BX/uOAmeyfHhqbn60wlUXpos7IrAQDJUg"
    "4LCwil8i3B7c9YNZLp0lO6FH0LjyGlMEXTMRCBR5tlAKezhjbGB1cMT+mTwxLNGJ2aVdWJGjM7mDk8Y69ofmGH1d3nTgoFCE28YW"
    "Ya2OzglxLEaAzMwYPIH2TyEXbnQdcOkMzDGUY6ARTAeLQAx5WHa5RsDzNa2TFwAdDmWgDOg4MR7/D07hKfiF0H7vUcow8fqHAGel"
    "H52mQLTo8FOjcOybpXfYEUbOhSGuUBRxV+d8NETz3tCl52AaWUkLc4EjQs+BBMi9A8x6VnLhuSRRPG5FKrYGihZRd51ZRBBxK6xO"
    "kbKOPnhenrj5aAFDYpEYetBLykO8MafUaWNIZJ/YOTIsb4LKkQXiLeSJzEKoHB/vAoVN0QRl2jaxNH2CFDQQFPbeGTa61NYJRmxO"
    "1UuxLURz4AEVIW4XSr0mmaOsLJeIyRfnqf3U/JV3MRR4k9HWxxHuppoHIfIsGZHvRAWhEJlK/bRg5EC+WA0rxoL704TrAAWH1ZkG"
    "st25LY8BYvk3Xj+jWVkRAOThV7LcDvlWPnRDM8z5mpiFgdG51Zmz9yrm+n6YeUwi1qcSQpEy4gMdE1UoXgEqHcb+4RwJNs/MPCZk"
    "0XUQDU/vJgyiosgg2oMxapjjDv+/mAkTic+CFykvo4JthDi3eL8H1lRqxBjpMIGmQR65jdxb35eLkfH9POnEZDJgx+T2cj3SW4sv"
    "p37/5fOA/+Hcq8EGEK0bCkO1aT1vJ9NhCQhaRENjjr3qFANatTPbx5nhg60RyVZd53xKooZY5TOYWQV0IPsYBFQFhDIlEGpP513M"
    "AUZL50JciQ3XGSBSQ35hkP7klPIP84jlwIf5IBeyDnoqRqA2iAd6gz2uBrSx4Vg6kEhbDiBvmP+dMHf3GNvImBycszGui/C9sLCg"
    "nFFhv6DpsICus4otzwZW2NwFv69jQ3l2ltzBxl46SGSwd8brkxUTOOo+rsZoEhWD7AXr4jOZMX6vrhBSK6KMsaMsW+dtiGI5+E38"
    "Hp3iln3WUS9cr49FSA36hARTPKKNiZm+iv0gh6mk9KwPCCXI35MOUT/sH85jY/woe+4wyJtEXai8Sl4T6fTo/ArvHqA2Z95N/S5+"
    "6ARONsjXwECK2kds0hP5EGmAv0gNOkQk3pBmEGdptzid8IAM8uh3nzs0cCEwggr0x0yRi/jrYEuGTGo/wgzUaqwk5MRIdTMHZkLH"
    "dxRldVwSWgXkdRRY5gWcRN0mnWMY6MPoB9P60LACpTcdJ2C7Mwk46SGDpFWj4OyCMPkn6P+KeK4iWWOVxBbbdYq3lEc+XM+ys8eC"
    "8Qj0GyfY2cfFUM5Bzod3sBf1vUUqVXR5gBBMHHhNhzUYPG2blaEraClDiLHBj2W5BB3Sko/Z5+4Q+S22ca24Z/6D0Aa7LnBCYNPB"
    "gW98BvYFGaRGMjS8bywJ/8G1Np0Uyx8+HYCSG5hq2qCj4Qrv/vlJohOQS8GBfqh+QFCkKjkMzShxp3IJxEtzu9oKXbHYBVshL0ix"
    "bNVhYLMH+sjbma15oV5SZXnYgkGaJqfsQX8pCSqOMwHLKFxSwnP5T5xzEJNc2uncXKec5Pjeqelmo9aYBZSbPzGEvEvH+n0c9Bt/"
    "OuD0vuiNzuzzk0Do2BEPQgbC56fgWuQWsD7cXuhACDomssyh0zvaBiszz1k83wAdYw53TbkfnbzCJlzrA23Qp2VwMKYcNJDtL8JM"
    "CNRpMlb06djY8IUsIFnGVyPqsMB6LcnVvQdf6EjN4+ogGoOGNoBcG+KQzLuvVnsM5dRpL1oPhTVqf7FruJ8KTzCAQx8o9LtyRSJl"
    "ovBDl9aDjXd0BD3DGaUaQx+qyA+ZKgkWQWS+Ms4DDy9Ra11WolaUkmyTaEiB+3Xegn+knjXIARDsk9HE9qz659BE8m6DJ6aiuIa9"
    "XQXwELR3sCe5N7w7tAVXsn0sEWZB/uG6I8dIPeqB1hyMtxSQuOuImUMbVB73SnR2DBp/NSXLQqIjtkxPWFO+ixsj6gyo8upAoOEG"
    "cOSUA9Pc+f3WSNh2Ihqi3T4+r91YNzJapxoTN7uMO8IFpiPyO7aRtzDWwAwlNh3htUzpqHImcx6cmbGiIqPL/XZ0ApTjsrPwwJg3"
    "HfDTZJDz8bkz+Yc3KIIz91hBGNkecOFWSUYbqwCP0ShkDE+mgKljqC6zwjsQedYzUCWdjYIsdB+bSVQPx/O3gWYRBnUGUrVf2kI6"
    "x+0gvQFbGVEoycjXhU1uRIhHYoQf1/3IqEzy1QH01Udj2FlIgPvhLyTZMVoDgfRvQ7RE8Ick4piXVzSNArYKd3RW4rip4e2pJ+SG"
    "pqT3Qs6MzcpevgSyQ3dR4oROwTGCF0wECaOihRDbQLCJ1YP6A/nHrSYiRO1b1/ll7CKT0MnGm4VI0idkLKdySfU6PkqaaDJjrfqA"
    "m14hlVgUDAfUwnCYErO0H9Gn6DA0w/iUex7W9Mneb304wHooTXOEZyoPp4VrW/gGdKaUq/9LAYMxFa5xEYUAn0SSV1Yk9CkIfko6"
    "zPZTr0w8wGoJPU1wT9DgP6dMWVZo65NDwiCyRiKvExOyJAL64I/Me8hTn376z7zrt5+//cfP3/7wq5//5m9++6uf/+3nH7779ue/"
    "/OWvf/HDbz//4tvP333zl/5/Ht+Mavo8hRY/lwPA8zvGlppfhUl9MhLwko5uDjGdyTk61Dn6FE5wSwy6joQ74UVGC1tax8bZEoUh"
    "9/X9j59/9w9//+13bOKvtWRyno73x8bQ3wuScF+Z2DjQdGYwkkS/wuM8BpnAhtJz7hFMdwJW46ADWGAKji3DoGwSwoU/Ok6B1Pn9"
    "j1+r/t9r/UP6K1R7cv80MckET+I7JAF/ZJ2363hEBzsbyCF5ULx5cRZFImTRYJkwi4eGdUAnhE3spwhADvJy6BAb/L7/8Rd/9+vP"
    "v/nufxMw8GToU1Pcqc5d38HolY5df9qGoYNH5/+VkSRkocr3iIXbeFByrvoY7+ICaV0wivBHrcAGEuyWIcM/buGvX/1TZcZRSHx3"
    "V1Jh3KlclQ07zGVqU8c9zHoJFEpHWXAXgVGh6FUcAsS35+iPJ/ITHaOBxOOIEPqVvv/x00//E0AyBeI="
)


def recorded_exchange_with_keylog() -> Exchange:
    """The recorded exchange, its key log in :attr:`Exchange.keylog`."""
    pairs, keylog = ast.literal_eval(zlib.decompress(base64.b64decode(_BLOB)).decode())
    segments = tuple(Segment(direction, bytes.fromhex(data)) for direction, data in pairs)
    return Exchange(segments, keylog=keylog)
