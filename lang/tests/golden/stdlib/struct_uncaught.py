import struct

data = b"\x00\x01"
print("unpacking", data)
value, = struct.unpack("!I", data)
print("not reached", value)
