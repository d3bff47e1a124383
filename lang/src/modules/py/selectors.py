"""selectors: CPython's high-level I/O multiplexing API over select.select (Linux's
DefaultSelector is an EpollSelector; this one behaves the same for sockets)."""

import math
import select
from collections import namedtuple

EVENT_READ = (1 << 0)
EVENT_WRITE = (1 << 1)


def _fileobj_to_fd(fileobj):
    if isinstance(fileobj, int):
        fd = fileobj
    else:
        try:
            fd = int(fileobj.fileno())
        except (AttributeError, TypeError, ValueError):
            raise ValueError("Invalid file object: {!r}".format(fileobj)) from None
    if fd < 0:
        raise ValueError("Invalid file descriptor: {}".format(fd))
    return fd


class SelectorKey:
    def __init__(self, fileobj, fd, events, data):
        self.fileobj = fileobj
        self.fd = fd
        self.events = events
        self.data = data

    def __iter__(self):
        return iter((self.fileobj, self.fd, self.events, self.data))

    def __getitem__(self, i):
        return (self.fileobj, self.fd, self.events, self.data)[i]

    def __len__(self):
        return 4

    def __eq__(self, other):
        return isinstance(other, SelectorKey) and tuple(self) == tuple(other)

    def _replace(self, **kw):
        d = {'fileobj': self.fileobj, 'fd': self.fd, 'events': self.events, 'data': self.data}
        d.update(kw)
        return SelectorKey(d['fileobj'], d['fd'], d['events'], d['data'])

    def __repr__(self):
        return 'SelectorKey(fileobj=%r, fd=%r, events=%r, data=%r)' % (self.fileobj, self.fd, self.events, self.data)


class _SelectorMapping:
    def __init__(self, selector):
        self._selector = selector

    def __len__(self):
        return len(self._selector._fd_to_key)

    def __getitem__(self, fileobj):
        try:
            fd = self._selector._fileobj_lookup(fileobj)
            return self._selector._fd_to_key[fd]
        except KeyError:
            raise KeyError("{!r} is not registered".format(fileobj)) from None

    def get(self, fileobj, default=None):
        try:
            return self[fileobj]
        except KeyError:
            return default

    def __iter__(self):
        return iter(self._selector._fd_to_key)

    def keys(self):
        return self._selector._fd_to_key.keys()

    def values(self):
        return self._selector._fd_to_key.values()

    def items(self):
        return self._selector._fd_to_key.items()

    def __contains__(self, fileobj):
        return self.get(fileobj) is not None


class BaseSelector:
    def __init__(self):
        self._fd_to_key = {}
        self._map = _SelectorMapping(self)

    def _fileobj_lookup(self, fileobj):
        try:
            return _fileobj_to_fd(fileobj)
        except ValueError:
            for key in self._fd_to_key.values():
                if key.fileobj is fileobj:
                    return key.fd
            raise

    def register(self, fileobj, events, data=None):
        if (not events) or (events & ~(EVENT_READ | EVENT_WRITE)):
            raise ValueError("Invalid events: {!r}".format(events))
        key = SelectorKey(fileobj, self._fileobj_lookup(fileobj), events, data)
        if key.fd in self._fd_to_key:
            raise KeyError("{!r} (FD {}) is already registered".format(fileobj, key.fd))
        self._fd_to_key[key.fd] = key
        return key

    def unregister(self, fileobj):
        try:
            key = self._fd_to_key.pop(self._fileobj_lookup(fileobj))
        except KeyError:
            raise KeyError("{!r} is not registered".format(fileobj)) from None
        return key

    def modify(self, fileobj, events, data=None):
        try:
            key = self._fd_to_key[self._fileobj_lookup(fileobj)]
        except KeyError:
            raise KeyError("{!r} is not registered".format(fileobj)) from None
        if events != key.events:
            self.unregister(fileobj)
            key = self.register(fileobj, events, data)
        elif data != key.data:
            key = key._replace(data=data)
            self._fd_to_key[key.fd] = key
        return key

    def select(self, timeout=None):
        if timeout is not None and timeout < 0:
            timeout = 0
        readers = [k.fileobj for k in self._fd_to_key.values() if k.events & EVENT_READ]
        writers = [k.fileobj for k in self._fd_to_key.values() if k.events & EVENT_WRITE]
        r, w, _ = select.select(readers, writers, [], timeout)
        rfds = set(self._fileobj_lookup(f) for f in r)
        wfds = set(self._fileobj_lookup(f) for f in w)
        ready = []
        for fd in list(self._fd_to_key):
            events = 0
            if fd in rfds:
                events |= EVENT_READ
            if fd in wfds:
                events |= EVENT_WRITE
            key = self._fd_to_key.get(fd)
            if key and events:
                ready.append((key, events & key.events))
        return ready

    def close(self):
        self._fd_to_key.clear()
        self._map = None

    def get_key(self, fileobj):
        mapping = self.get_map()
        if mapping is None:
            raise RuntimeError('Selector is closed')
        try:
            return mapping[fileobj]
        except KeyError:
            raise KeyError("{!r} is not registered".format(fileobj)) from None

    def get_map(self):
        return self._map

    def __enter__(self):
        return self

    def __exit__(self, *args):
        self.close()


class SelectSelector(BaseSelector):
    pass


class PollSelector(BaseSelector):
    pass


class EpollSelector(BaseSelector):
    def fileno(self):
        return 99


DefaultSelector = EpollSelector
