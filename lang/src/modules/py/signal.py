"""signal: the names scripts install handlers with; socklab delivers no signals (Stop ends a
script the way CPython's default SIGINT/SIGTERM handling would)."""

SIG_DFL = 0
SIG_IGN = 1
SIGHUP = 1
SIGINT = 2
SIGQUIT = 3
SIGKILL = 9
SIGUSR1 = 10
SIGUSR2 = 12
SIGPIPE = 13
SIGALRM = 14
SIGTERM = 15
SIGCHLD = 17
NSIG = 65

_handlers = {SIGINT: None}


def default_int_handler(signum, frame):
    raise KeyboardInterrupt


_handlers[SIGINT] = default_int_handler


def signal(signalnum, handler):
    if not isinstance(signalnum, int):
        raise TypeError("'%s' object cannot be interpreted as an integer" % type(signalnum).__name__)
    if signalnum in (SIGKILL, 19) or not 1 <= signalnum < NSIG:
        raise OSError(22, 'Invalid argument')
    old = _handlers.get(signalnum, SIG_DFL)
    _handlers[signalnum] = handler
    return old


def getsignal(signalnum):
    return _handlers.get(signalnum, SIG_DFL)


def alarm(seconds):
    return 0


def pause():
    raise RuntimeError("signal.pause() would wait forever: socklab delivers no signals")


def strsignal(signalnum):
    return {SIGINT: 'Interrupt', SIGTERM: 'Terminated', SIGHUP: 'Hangup', SIGKILL: 'Killed',
            SIGPIPE: 'Broken pipe', SIGALRM: 'Alarm clock', SIGQUIT: 'Quit',
            SIGUSR1: 'User defined signal 1', SIGUSR2: 'User defined signal 2',
            SIGCHLD: 'Child exited'}.get(signalnum)
