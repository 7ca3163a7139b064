"""``phieukin minute DIR``: write ``DIR/minute.json`` and ``DIR/minute.pdf`` again from the record.

The signed minute (with the committee's signatures) is read from the meeting's database
(``DIR/meeting.db``); the PDF is rendered from that document alone, exactly as the server's
``GET /minute.pdf`` does, so paper and record match. A meeting whose minute was never made on
the server gets an unsigned draft (said so on screen and on the paper), provided every round is
counted. Nothing is written to the database.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from audit.minute_pdf import FontsMissing, render_minute_pdf
from ballot_server.disk import write_file_atomically
from ballot_server.errors import ApiError, StoreError
from tally.minute import build_minute, minute_digest, signature_status


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``phieukin minute``."""
    parser = subparsers.add_parser(
        "minute",
        help="in lại biên bản kiểm phiếu (regenerate minute.pdf and minute.json)",
        description="Ghi lại DIR/minute.json và DIR/minute.pdf từ cơ sở dữ liệu của hội nghị.",
    )
    parser.add_argument("dir", type=Path, help="thư mục hội nghị (meeting folder)")
    parser.set_defaults(func=run)


def write_minute_files(folder: Path, document: dict[str, Any]) -> tuple[Path, Path]:
    """Write ``minute.json`` (the signed document) and ``minute.pdf`` rendered from it, each
    whole or not at all."""
    json_path, pdf_path = folder / "minute.json", folder / "minute.pdf"
    pdf = render_minute_pdf(document)
    text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
    write_file_atomically(json_path, text.encode("utf-8"))
    write_file_atomically(pdf_path, pdf)
    return json_path, pdf_path


def load_document(folder: Path) -> tuple[dict[str, Any], bool]:
    """The minute document of the meeting in ``folder`` and whether it was signed on the server
    (otherwise: an unsigned draft built from the record now)."""
    from ballot_server.chair import Chair, ChairMemory
    from ballot_server.config import ServerConfig
    from ballot_server.minute_service import Minutes, minute_facts
    from ballot_server.rounds import Rounds
    from ballot_server.store import Store

    store = Store(folder, create=False)
    try:
        rounds = Rounds(store)
        chair = Chair(store, rounds, ServerConfig(folder=folder), ChairMemory())
        document = Minutes(store, chair).current()
        if document is not None:
            return document, True
        minute = build_minute(minute_facts(chair))
        draft = {
            "minute": minute,
            "digest": minute_digest(minute).hex(),
            "server_signature": None,
            "signatures": [],
        }
        return draft, False
    finally:
        store.close()


def run(args: argparse.Namespace) -> int:
    folder: Path = args.dir
    try:
        document, signed = load_document(folder)
        json_path, pdf_path = write_minute_files(folder, document)
    except StoreError:
        raise  # the command line says it (``cli.main``): exit status 2 or 3
    except ApiError as error:
        print(f"Lỗi: {error.message_vi} ({error.message_en})")
        return 1
    except FontsMissing as error:
        print(f"Lỗi: {error}")
        return 1
    status = signature_status(
        document["minute"], document["server_signature"], document["signatures"]
    )
    committee = status["committee"]
    if not signed:
        print("Chú ý: biên bản chưa được lập trên máy chủ; đây là bản nháp chưa có chữ ký số.")
    print(f"Đã ghi {json_path} và {pdf_path}.")
    print(f"Dấu vân tay: {document['digest']}")
    print(
        f"Chữ ký máy chủ: {'hợp lệ' if status['server'] else 'không có'}; ban kiểm phiếu: "
        f"{sum(c['signed'] for c in committee)}/{len(committee)} đã ký."
    )
    return 0
