import uuid
u = uuid.uuid4()
print(len(str(u)), u.version, str(u)[14], str(u)[19] in "89ab")
print(uuid.uuid5(uuid.NAMESPACE_DNS, "python.org"), uuid.uuid3(uuid.NAMESPACE_URL, "x"), repr(uuid.UUID("12345678123456781234567812345678")))
print(uuid.UUID(int=5).hex, uuid.UUID("{12345678-1234-5678-1234-567812345678}") == uuid.UUID(hex="12345678123456781234567812345678"))
