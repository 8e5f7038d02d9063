"""``tlsexplorer web``: the page and the websocket as a browser uses them, tabs, downloads, stopping.

Each test runs the real command on a free port (``--port 0``) and talks to it with aiohttp the
way textual-serve's page does; the app processes are found with psutil.
"""

from __future__ import annotations

import asyncio
import io
import socket
import subprocess
import sys
import zipfile
from pathlib import Path

import aiohttp
import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from tests.web_support import DEADLINE, Tab, app_pids_alive, web_server
from tlsexplorer.core.ca import store as ca_store
from tlsexplorer.samples import SAMPLE_NOW

pytestmark = pytest.mark.network


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tlsexplorer", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=DEADLINE)


async def test_the_page_says_where_files_are_and_loads_nothing_from_the_internet(tmp_path: Path) -> None:
    with web_server(tmp_path) as server:
        async with aiohttp.ClientSession() as session, session.get(server.url) as response:
            page = await response.text()
        assert "files are read and written on that machine" in page
        assert "googleapis" not in page and "https://" not in page
        assert f'data-session-websocket-url="ws://{server.url.split("//")[1]}ws"' in page


async def test_keys_sent_over_the_websocket_reach_the_app_and_its_output_comes_back(tmp_path: Path) -> None:
    with web_server(tmp_path) as server:
        async with aiohttp.ClientSession() as session:
            tab = await Tab.open(session, server.url)
            await tab.wait_for("Symmetric")
            # Served, the footer shows the alternatives to keys the browser keeps.
            home = await tab.wait_for("alt+k Help")
            assert "alt+c Chain" in home
            mark = len(tab.output)
            await tab.send("f4")
            await tab.wait_for("Open path", since=mark)
            mark = len(tab.output)
            await tab.send("escape", "\x1bk")  # alt+k stands for F1, which a browser keeps
            await tab.wait_for("Everywhere", since=mark)
            await tab.close()


async def test_each_tab_gets_its_own_app_and_a_closed_tab_ends_it(tmp_path: Path) -> None:
    with web_server(tmp_path) as server:
        async with aiohttp.ClientSession() as session:
            first = await Tab.open(session, server.url)
            await first.wait_for("Symmetric")
            second = await Tab.open(session, server.url)
            await second.wait_for("Symmetric")
            apps = server.apps()
            assert len(apps) == 2
            # What one tab does, the other does not see.
            mark = len(second.output)
            await first.send("f4")
            await first.wait_for("Open path")
            await asyncio.sleep(1)
            assert "Open path" not in bytes(second.output[mark:]).decode("utf-8", "replace")
            await first.close()
            for _ in range(int(DEADLINE * 10)):
                if len(server.apps()) == 1:
                    break
                await asyncio.sleep(0.1)
            assert len(server.apps()) == 1
            await second.send("f1")
            await second.wait_for("Everywhere")
            await second.close()


async def test_ctrl_c_with_three_tabs_open_stops_soon_and_leaves_no_app(tmp_path: Path) -> None:
    with web_server(tmp_path) as server:
        async with aiohttp.ClientSession() as session:
            tabs = [await Tab.open(session, server.url) for _ in range(3)]
            for tab in tabs:
                await tab.wait_for("Symmetric")
            pids = [app.pid for app in server.apps()]
            assert len(pids) == 3
            seconds = await asyncio.to_thread(server.stop)
            # textual-serve alone takes about 20 s; generous for a loaded machine, far below that.
            assert seconds < 10, seconds
            assert server.process.returncode == 0
            assert app_pids_alive(pids) == []
            for tab in tabs:
                with pytest.raises(ConnectionError):
                    for _ in range(10_000):
                        await tab.read(DEADLINE)


async def test_download_sends_the_files_the_workbench_wrote(tmp_path: Path) -> None:
    ca_dir = tmp_path / "myca"
    ca_store.save(ca_store.build_root(ca_dir, ca_store.CaRequest(cn="Web Root"), SAMPLE_NOW,
                                      ec.generate_private_key(ec.SECP256R1())))
    with web_server(tmp_path) as server:
        async with aiohttp.ClientSession() as session:
            tab = await Tab.open(session, server.url)
            await tab.wait_for("Symmetric")
            mark = len(tab.output)
            await tab.send("\x1ba")  # alt+a: the CA workbench (F6 is the browser's)
            await tab.wait_for("Make & save", since=mark)
            assert "Download" in await tab.wait_for("Download", since=mark)
            # Keys typed faster than the app moves the focus would land in the old field: each step
            # waits for what the app draws once it has taken the one before.
            await tab.send(str(ca_dir), "enter")
            await tab.wait_for("give a name", since=mark)
            mark = len(tab.output)
            await tab.send("tab")
            # The name field with the cursor on its placeholder's first letter: it has the focus.
            await tab.wait_for("e .g. localhost", since=mark)
            await tab.send("localhost", "enter")
            await tab.wait_for("wrote 3 files", since=mark)
            await tab.send("ctrl+g")
            _kind, key = await tab.wait_message("deliver_file_start")
            async with session.get(f"{server.url}download/{key}") as response:
                assert response.status == 200
                assert "localhost.zip" in response.headers["Content-Disposition"]
                body = await response.read()
            await tab.close()
    paths = ca_store.issued_paths(ca_dir, "localhost")
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        got = {name: archive.read(name) for name in archive.namelist()}
    on_disk = {path.name: path.read_bytes() for path in (paths.certificate, paths.key, paths.fullchain)}
    assert got == on_disk


async def test_another_origin_and_another_host_name_are_refused(tmp_path: Path) -> None:
    with web_server(tmp_path) as server:
        port = server.url.rstrip("/").rsplit(":", 1)[1]
        async with aiohttp.ClientSession() as session:
            # A page of another site may open a websocket to 127.0.0.1: it must not get the app.
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await session.ws_connect(f"ws://127.0.0.1:{port}/ws", headers={"Origin": "http://evil.test"})
            assert refused.value.status == 403
            # A name made to point at 127.0.0.1 (DNS rebinding) sends its own Host.
            async with session.get(server.url, headers={"Host": f"evil.test:{port}"}) as response:
                assert response.status == 403
            async with session.get(f"http://localhost:{port}/") as response:
                assert response.status == 200
        assert server.apps() == []


def test_a_port_in_use_is_one_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("web", "--port", str(port), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (f"tlsexplorer: error: port {port} on 127.0.0.1 is already in use; pick another "
                             "port (0 picks any free one), or stop the program using it\n")
    assert result.stdout == ""


def test_other_addresses_need_the_unauthenticated_flag(tmp_path: Path) -> None:
    result = run_cli("web", "--host", "0.0.0.0", "--port", "0", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and "--i-know-this-is-unauthenticated" in result.stderr
    assert "without a password" in result.stderr


async def test_with_the_flag_another_address_is_served_and_the_warning_says_who_can_reach_it(
    tmp_path: Path,
) -> None:
    with web_server(tmp_path, "--host", "0.0.0.0", "--i-know-this-is-unauthenticated") as server:
        port = server.url.rstrip("/").rsplit(":", 1)[1]
        async with aiohttp.ClientSession() as session:
            tab = await Tab.open(session, f"http://127.0.0.1:{port}/")
            await tab.wait_for("Symmetric")
            await tab.close()
        server.stop()
        out = server.process.stdout.read() if server.process.stdout else ""
    assert "every machine that can reach this address" in out


def test_the_app_without_a_terminal_is_still_refused_unless_textual_serve_started_it(tmp_path: Path) -> None:
    result = run_cli(cwd=tmp_path)
    assert result.returncode == 2 and "the TUI needs a terminal" in result.stderr
