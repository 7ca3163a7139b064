"""``make demo`` as a first run, with real demo processes: the address phones get (a QR code, or
a loud warning when they could not open it), one address bound with --host, the simulated
committee that stays so closing voting on the chair's page gives the count and the minute, both
languages, and Ctrl+C (once: an orderly stop; twice: at once) without a traceback.

Each process is bounded: every wait has a timeout and a process that hangs is killed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from ballot_server.demo import free_port
from ballot_server.demo_console import language
from ballot_server.demo_serve import kept_for_phones
from ballot_server.serve import terminal_qr
from tests.demo_support import DemoProcess, isolated_network, listening_addresses

SMALL = ("--voters", "4", "--rated", "4")
LAN = "192.0.2.10"  # a documentation address, inside a network namespace of the test's own


def serve_demo(folder: Path, *args: str, **kwargs) -> DemoProcess:
    return DemoProcess("--serve", "--out", str(folder), *SMALL, *args, **kwargs)


@pytest.mark.live
def test_closing_voting_on_the_chair_page_gives_the_count_and_the_minute_in_english(
    tmp_path: Path,
) -> None:
    """The simulated committee stays: each round the chair closes (as the chair's page does,
    through the same route) is decrypted and counted, then the minute is made and signed."""
    folder = tmp_path / "meeting"
    port = free_port()
    with serve_demo(
        folder, "--host", "127.0.0.1", "--port", str(port), env={"PHIEUKIN_LANG": "en"}
    ) as demo:
        secret = demo.wait_for(r"^Chair: +\S+/chair +\(chair secret: (\w+)\)")[1]
        assert listening_addresses(port) == {"127.0.0.1"}  # --host binds that address only
        base = f"http://127.0.0.1:{port}"
        rounds = 0
        while True:
            waiting = demo.wait_for(rf"^Round {rounds + 1}: close voting on the chair's page")
            assert waiting
            rounds += 1
            response = requests.post(
                f"{base}/api/chair/rounds/{rounds}/close",
                json={"confirm": True},
                headers={"Authorization": f"Bearer {secret}"},
                timeout=30,
            )
            assert response.status_code == 200, response.text
            done = demo.wait_for(
                rf"^(Round {rounds + 1}: close voting|\d+\. The minute: the server and 3 )"
            )
            if done[0].endswith("3 "):
                break
        assert (folder / "minute.pdf").is_file() and (folder / "minute.json").is_file()
        assert re.search(r"^7\. Results \(XS / TOT / HT / KHT\):", demo.output, re.MULTILINE)
        # English throughout: none of the Vietnamese status lines
        assert "Máy chủ" not in demo.output and "Kết quả" not in demo.output
        demo.wait_for(r"^The server keeps running; press Ctrl\+C to stop\.")
        demo.stop_cleanly(folder)


@pytest.mark.live
def test_a_second_ctrl_c_quits_at_once_without_a_traceback(tmp_path: Path) -> None:
    folder = tmp_path / "meeting"
    with serve_demo(folder, "--host", "127.0.0.1", "--port", str(free_port())) as demo:
        demo.wait_for(r"^Vòng 1: kết thúc bỏ phiếu trên trang chủ tọa")
        demo.interrupt()
        demo.wait_for(r"^Đang dừng… \(nhấn Ctrl\+C lần nữa để thoát ngay\)")
        demo.stop_cleanly(folder, (0, 130))


@pytest.mark.live
def test_ctrl_c_while_the_demo_runs_stops_it_cleanly(tmp_path: Path) -> None:
    folder = tmp_path / "meeting"
    with DemoProcess("--out", str(folder), *SMALL, "--lang", "en") as demo:
        demo.wait_for(r"^3\. The counting committee \(2 of 3\) ")
        demo.interrupt()
        demo.wait_for(r"^Stopped \(Ctrl\+C\)\.")
        demo.assert_ended_cleanly(folder, (130,))


@pytest.mark.live
def test_phones_get_a_qr_code_of_the_lan_address(tmp_path: Path) -> None:
    """--host binds the LAN address given; the QR code printed is the phones' address."""
    folder = tmp_path / "meeting"
    port = free_port()
    with serve_demo(
        folder, "--host", LAN, "--port", str(port), prefix=isolated_network(LAN)
    ) as demo:
        demo.wait_for(r"^Vòng 1: kết thúc bỏ phiếu")
        base = f"http://{LAN}:{port}"
        assert f"Điện thoại: quét mã QR (hoặc mở {base})" in demo.output
        assert terminal_qr(base) in demo.output
        assert "CẢNH BÁO" not in demo.output
        demo.stop_cleanly(folder)


@pytest.mark.live
def test_without_a_lan_address_phones_get_a_loud_warning_not_a_silent_127(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "meeting"
    port = free_port()
    with serve_demo(folder, "--port", str(port), prefix=isolated_network(None)) as demo:
        demo.wait_for(r"^Vòng 1: kết thúc bỏ phiếu")
        output = demo.output
        assert "!! CẢNH BÁO: KHÔNG TÌM THẤY MẠNG LAN (Wi-Fi) trên máy này." in output
        assert f"Điện thoại KHÔNG mở được http://127.0.0.1:{port}" in output
        assert "█" not in output  # no QR code of an address phones cannot open
        demo.stop_cleanly(folder)


@pytest.mark.live
def test_phieukin_serve_also_warns_when_phones_could_not_open_its_address(tmp_path: Path) -> None:
    folder = tmp_path / "meeting"
    passphrase = {"PHIEUKIN_CHAIR_PASSPHRASE": "bốn từ ngẫu nhiên dài"}
    with DemoProcess(
        "--dir",
        str(folder),
        "--port",
        str(free_port()),
        command="serve",
        env=passphrase,
        prefix=isolated_network(None),
    ) as server:
        server.wait_for(r"^CẢNH BÁO: không tìm thấy mạng LAN \(Wi-Fi\)")
        server.wait_for(r"^WARNING: no LAN \(Wi-Fi\) address found: phones cannot open")
        server.wait_for(r"^Dung lượng trống")
        assert "█" not in server.output  # no QR code of an address phones cannot open
        server.stop_cleanly(folder, (0, 130))


@pytest.mark.live
def test_a_host_that_is_not_an_address_is_refused_in_both_languages(tmp_path: Path) -> None:
    for env, words in (
        ({}, "--host phải là một địa chỉ IP"),
        ({"PHIEUKIN_LANG": "en"}, "--host must be an IP address"),
    ):
        with DemoProcess(
            "--serve", "--out", str(tmp_path / "m"), "--host", "phong-hop", env=env
        ) as demo:
            assert demo.finish() == 2
            assert words in demo.output and "Traceback" not in demo.output


@pytest.mark.live
def test_a_host_that_is_not_this_machines_is_named_without_a_traceback(tmp_path: Path) -> None:
    """The server cannot listen there: the demo says so with the end of the server's log, which
    says why in both languages."""
    folder = tmp_path / "meeting"
    with DemoProcess("--out", str(folder), *SMALL, "--host", "192.0.2.99") as demo:
        assert demo.finish() == 1
        assert "Lỗi: máy chủ của hội nghị mẫu đã dừng (mã 2); cuối nhật ký" in demo.output
        assert "Lỗi: không nghe được trên 192.0.2.99:" in demo.output
        assert "Error: cannot listen on 192.0.2.99:" in demo.output
    log = (folder / "server.log").read_text(encoding="utf-8")
    assert "Traceback" not in demo.output + log


def test_the_tokens_kept_for_phones_leave_a_round_the_committee_will_count() -> None:
    """With no phone voting, the simulated ballots alone are at least 3 and half the tokens (a
    smaller round is refused by the committee unless the chair records a reason)."""
    for tokens in range(1, 201):
        keep = kept_for_phones(tokens)
        assert 0 <= keep <= 5
        cast = tokens - keep
        assert keep == 0 or (cast >= 3 and 2 * cast >= tokens), tokens
    assert kept_for_phones(25) == 5 and kept_for_phones(4) == 1


def test_the_language_comes_from_the_option_then_the_environment() -> None:
    assert language(None, {}) == "vi"
    assert language(None, {"PHIEUKIN_LANG": "en"}) == "en"
    assert language(None, {"PHIEUKIN_LANG": "en_US.UTF-8"}) == "en"
    assert language(None, {"PHIEUKIN_LANG": "fr"}) == "vi"
    assert language("vi", {"PHIEUKIN_LANG": "en"}) == "vi"
