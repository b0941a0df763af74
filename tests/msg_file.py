"""An Outlook .msg made for the tests: a small OLE2 compound file (MS-CFB, version 3) holding the streams of a
message (MS-OXMSG). No fixture is downloaded: the file is built here, byte by byte, with synthetic data."""

from __future__ import annotations

import struct
from datetime import UTC, datetime

SECTOR = 512
MINI = 64
FREE, END, FATSECT, NOSTREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


def _filetime(when: datetime) -> int:
    return int((when - datetime(1601, 1, 1, tzinfo=UTC)).total_seconds() * 10_000_000)


def msg_bytes(*, subject: str, sender_name: str, sender_email: str, body: str, sent: datetime | None) -> bytes:
    """A message's .msg file: its class, subject, sender, body and submit time (an empty text, or no ``sent``:
    the message lacks that property)."""
    strings = {0x001A: "IPM.Note", 0x0037: subject, 0x0C1A: sender_name, 0x0C1F: sender_email,
               0x0C1E: "SMTP" if sender_email else "", 0x5D01: sender_email, 0x1000: body, 0x0E04: "Complaints Team"}
    strings = {pid: text for pid, text in strings.items() if text}
    streams: dict[str, bytes] = {f"__substg1.0_{pid:04X}001F": text.encode("utf-16-le")
                                 for pid, text in strings.items()}
    props = bytearray(32)  # the top level's header: reserved, next ids, counts, reserved
    for pid, data in sorted((pid, streams[f"__substg1.0_{pid:04X}001F"]) for pid in strings):
        props += struct.pack("<IIII", (pid << 16) | 0x001F, 0x6, len(data) + 2, 0)
    for pid in (0x0039, 0x0E06) if sent is not None else ():  # client submit time, message delivery time
        props += struct.pack("<IIQ", (pid << 16) | 0x0040, 0x6, _filetime(sent))
    streams["__properties_version1.0"] = bytes(props)
    storages = {"__nameid_version1.0": {"__substg1.0_00020102": b"", "__substg1.0_00030102": b"",
                                        "__substg1.0_00040102": b""}}
    return _compound(streams, storages)


def _compound(streams: dict[str, bytes], storages: dict[str, dict[str, bytes]]) -> bytes:
    # The directory: root, then each top-level entry, then each storage's streams.
    entries: list[dict[str, object]] = [{"name": "Root Entry", "type": 5, "data": b""}]
    top = [{"name": n, "type": 2, "data": d} for n, d in streams.items()]
    top += [{"name": n, "type": 1, "data": b"", "kids": [{"name": k, "type": 2, "data": v} for k, v in kids.items()]}
            for n, kids in storages.items()]
    entries[0]["kids"] = top
    order: list[dict[str, object]] = []

    def number(entry: dict[str, object]) -> None:
        entry["id"] = len(order)
        order.append(entry)
        for kid in entry.get("kids", []):  # type: ignore[attr-defined]
            number(kid)

    number(entries[0])
    ministream = bytearray()
    minifat: list[int] = []
    for entry in order:
        data = entry["data"]
        assert isinstance(data, bytes) and len(data) < 4096
        if entry["type"] == 2 and data:
            first, count = len(minifat), -(-len(data) // MINI)
            minifat += [*range(first + 1, first + count), END]
            entry["start"] = first
            ministream += data + bytes(count * MINI - len(data))
        else:
            entry["start"] = END
    dir_sectors = -(-len(order) * 128 // SECTOR)
    minifat_sectors = -(-len(minifat) * 4 // SECTOR)
    mini_sectors = -(-len(ministream) // SECTOR)
    fat_sectors = 1
    while (fat_sectors + dir_sectors + minifat_sectors + mini_sectors) * 4 > fat_sectors * SECTOR:
        fat_sectors += 1
    fat: list[int] = [FATSECT] * fat_sectors
    starts = {}
    for what, count in (("dir", dir_sectors), ("minifat", minifat_sectors), ("mini", mini_sectors)):
        starts[what] = len(fat) if count else END
        fat += [*range(len(fat) + 1, len(fat) + count), END] if count else []
    fat += [FREE] * (fat_sectors * SECTOR // 4 - len(fat))
    root = order[0]
    root["start"], root["size"] = starts["mini"], len(ministream)
    directory = bytearray()
    for entry in order:
        directory += _entry(entry)
    directory += b"".join(_empty() for _ in range(dir_sectors * 4 - len(order)))
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", bytes(16), 0x3E, 3,
                         0xFFFE, 9, 6, bytes(6), 0, fat_sectors, starts["dir"], 0, 4096, starts["minifat"],
                         minifat_sectors, END, 0)
    header += struct.pack("<109I", *range(fat_sectors), *[FREE] * (109 - fat_sectors))
    body = struct.pack(f"<{len(fat)}I", *fat) + bytes(directory)
    body += _pad(struct.pack(f"<{len(minifat)}I", *minifat)) + _pad(bytes(ministream))
    return header + body


def _pad(data: bytes) -> bytes:
    return data + bytes(-len(data) % SECTOR)


def _entry(entry: dict[str, object]) -> bytes:
    kids = entry.get("kids", [])
    # siblings as a chain to the right, in the order the format sorts names (length, then upper case)
    ordered = sorted(kids, key=lambda k: (len(str(k["name"])), str(k["name"]).upper()))  # type: ignore[arg-type]
    for left, right in zip(ordered, ordered[1:], strict=False):
        left["right"] = right["id"]
    name = str(entry["name"]).encode("utf-16-le") + b"\x00\x00"
    data = entry["data"]
    size = int(entry.get("size", len(data)))  # type: ignore[arg-type]
    return struct.pack("<64sHBBIII16sIQQIQ", name, len(name), int(entry["type"]), 1,  # type: ignore[call-overload]
                       NOSTREAM, entry.get("right", NOSTREAM), ordered[0]["id"] if ordered else NOSTREAM,
                       bytes(16), 0, 0, 0, entry["start"], size)


def _empty() -> bytes:
    return struct.pack("<64sHBBIII16sIQQIQ", bytes(64), 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, bytes(16), 0, 0, 0,
                       0, 0)
