"""Packet: 0xAA, type (1 byte), length (2 bytes, big-endian), payload, checksum (1 byte)."""


def checksum(data) -> int:
    return sum(data) & 0xFF


def build(kind: int, payload: bytes) -> bytes:
    pkt = bytearray([0xAA, kind])
    pkt += len(payload).to_bytes(2, 'big')
    pkt.extend(payload)
    pkt.append(checksum(pkt))
    return bytes(pkt)


def parse(pkt: bytes):
    if pkt[0] != 0xAA:
        raise ValueError(f'bad start byte {pkt[0]:#x}')
    if checksum(pkt[:-1]) != pkt[-1]:
        raise ValueError(f'checksum {pkt[-1]:#04x} != {checksum(pkt[:-1]):#04x}')
    length = int.from_bytes(pkt[2:4], 'big')
    return pkt[1], pkt[4:4 + length]
