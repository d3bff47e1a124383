    def _bootstrap_inner(self):
        try:
            self.run()
        except SystemExit:
            pass
        except BaseException as exc:
            _thread.report(self, exc)

    def _bootstrap(self):
        self._bootstrap_inner()

    def join(self, timeout=None):
        if not self._initialized:
            raise RuntimeError("Thread.__init__() not called")
        if not self._started:
            raise RuntimeError("cannot join thread before it is started")
        if self is current_thread():
            raise RuntimeError("cannot join current thread")
        if timeout is not None and timeout < 0:
            timeout = 0
        _thread.join(self._ident, timeout)

    @property
    def name(self):
        return self._name

    @name.setter
    def name(self, name):
        self._name = str(name)

    @property
    def ident(self):
        return self._ident

    @property
    def native_id(self):
        return self._ident

    def is_alive(self):
        if not self._started:
            return False
        return _thread.is_alive(self._ident)

    @property
    def daemon(self):
        return self._daemonic

    @daemon.setter
    def daemon(self, daemonic):
        if self._started:
            raise RuntimeError("cannot set daemon status of active thread")
        self._daemonic = daemonic

    def isDaemon(self):
        return self.daemon

    def setDaemon(self, daemonic):
        self.daemon = daemonic

    def getName(self):
        return self.name

    def setName(self, name):
        self.name = name


class _MainThread(Thread):
    def __init__(self):
        Thread.__init__(self, name="MainThread", daemon=False)
        self._started = True
        self._ident = _thread.get_ident()


class _DummyThread(Thread):
    def __init__(self):
        Thread.__init__(self, name=_newname("Dummy-%d"), daemon=True)
        self._started = True
        self._ident = _thread.get_ident()


class Timer(Thread):
    def __init__(self, interval, function, args=None, kwargs=None):
        Thread.__init__(self)
        self.interval = interval
        self.function = function
        self.args = args if args is not None else []
        self.kwargs = kwargs if kwargs is not None else {}
        self.finished = Event()

    def cancel(self):
        self.finished.set()

    def run(self):
        self.finished.wait(self.interval)
        if not self.finished.is_set():
            self.function(*self.args, **self.kwargs)
        self.finished.set()


_main_thread = _MainThread()
_thread.set_main(_main_thread)


def current_thread():
    t = _thread.current()
    if t is None:
        return _DummyThread()
    return t


currentThread = current_thread


def main_thread():
    return _main_thread


def active_count():
    return _thread.count()


activeCount = active_count


def enumerate():
    return _thread.objects()


def settrace(func):
    pass


def setprofile(func):
    pass


def stack_size(size=0):
    return 0
