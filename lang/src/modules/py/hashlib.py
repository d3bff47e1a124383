"""hashlib: md5, sha1, sha256 and sha512 over socklab's native digests."""

import _hashlib

algorithms_guaranteed = {'md5', 'sha1', 'sha256', 'sha512'}
algorithms_available = set(algorithms_guaranteed)

_SIZES = {'md5': (16, 64), 'sha1': (20, 64), 'sha256': (32, 64), 'sha512': (64, 128)}


class _Hash:
    def __init__(self, name, data=b''):
        self.name = name
        self.digest_size, self.block_size = _SIZES[name]
        self._data = bytearray()
        if data:
            self.update(data)

    def update(self, data):
        if isinstance(data, str):
            raise TypeError("Strings must be encoded before hashing")
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("object supporting the buffer API required")
        self._data += data

    def digest(self):
        return _hashlib.digest(self.name, bytes(self._data))

    def hexdigest(self):
        return self.digest().hex()

    def copy(self):
        other = _Hash(self.name)
        other._data = bytearray(self._data)
        return other

    def __repr__(self):
        return '<%s _hashlib.HASH object @ 0x%x>' % (self.name, id(self))


def new(name, data=b'', **kwargs):
    key = name.lower().replace('-', '')
    if key not in _SIZES:
        raise ValueError('unsupported hash type ' + name)
    return _Hash(key, data)


def md5(data=b'', **kwargs):
    return _Hash('md5', data)


def sha1(data=b'', **kwargs):
    return _Hash('sha1', data)


def sha256(data=b'', **kwargs):
    return _Hash('sha256', data)


def sha512(data=b'', **kwargs):
    return _Hash('sha512', data)
