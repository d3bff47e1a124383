"""zlib: the checksums (crc32, adler32); compression is not available in socklab."""

import binascii

MAX_WBITS = 15
DEFLATED = 8


class error(Exception):
    pass


def crc32(data, value=0):
    return binascii.crc32(data, value)


def adler32(data, value=1):
    a = value & 0xFFFF
    b = (value >> 16) & 0xFFFF
    for c in data:
        a = (a + c) % 65521
        b = (b + a) % 65521
    return (b << 16) | a


def compress(data, level=-1):
    raise error("compression is not available in socklab")


def decompress(data, wbits=MAX_WBITS, bufsize=16384):
    raise error("compression is not available in socklab")
