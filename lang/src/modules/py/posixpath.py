"""posixpath (os.path): CPython's pure path functions; file queries go to socklab's file area."""

import _os

sep = '/'
curdir = '.'
pardir = '..'
extsep = '.'
altsep = None
pathsep = ':'
devnull = '/dev/null'


def _check(fname, p):
    if not isinstance(p, (str, bytes)):
        raise TypeError('expected str, bytes or os.PathLike object, not ' + type(p).__name__)


def isabs(s):
    _check('isabs', s)
    return s.startswith('/')


def join(a, *p):
    _check('join', a)
    path = a
    for b in p:
        if not isinstance(b, str):
            raise TypeError("join() argument must be str, bytes, or os.PathLike object, not '%s'" % type(b).__name__)
        if b.startswith('/'):
            path = b
        elif not path or path.endswith('/'):
            path += b
        else:
            path += '/' + b
    return path


def split(p):
    _check('split', p)
    i = p.rfind('/') + 1
    head, tail = p[:i], p[i:]
    if head and head != '/' * len(head):
        head = head.rstrip('/')
    return head, tail


def splitext(p):
    _check('splitext', p)
    sep_index = p.rfind('/')
    dot_index = p.rfind('.')
    if dot_index > sep_index:
        filename_index = sep_index + 1
        while filename_index < dot_index:
            if p[filename_index] != '.':
                return p[:dot_index], p[dot_index:]
            filename_index += 1
    return p, p[:0]


def basename(p):
    _check('basename', p)
    i = p.rfind('/') + 1
    return p[i:]


def dirname(p):
    _check('dirname', p)
    i = p.rfind('/') + 1
    head = p[:i]
    if head and head != '/' * len(head):
        head = head.rstrip('/')
    return head


def normpath(path):
    _check('normpath', path)
    if path == '':
        return '.'
    initial_slashes = 1 if path.startswith('/') else 0
    if initial_slashes and path.startswith('//') and not path.startswith('///'):
        initial_slashes = 2
    comps = path.split('/')
    new_comps = []
    for comp in comps:
        if comp in ('', '.'):
            continue
        if (comp != '..' or (not initial_slashes and not new_comps) or
                (new_comps and new_comps[-1] == '..')):
            new_comps.append(comp)
        elif new_comps:
            new_comps.pop()
    path = '/'.join(new_comps)
    if initial_slashes:
        path = '/' * initial_slashes + path
    return path or '.'


def abspath(path):
    _check('abspath', path)
    if not isabs(path):
        path = join(_os.getcwd(), path)
    return normpath(path)


def exists(path):
    try:
        return _os.exists(path)
    except TypeError:
        return False


def isfile(path):
    if path in ('', '.', '/') or path == _os.getcwd():
        return False
    return exists(path)


def isdir(path):
    return path in ('.', '/', '..') or path == _os.getcwd()


def getsize(filename):
    return _os.getsize(filename)


def expanduser(path):
    if path.startswith('~'):
        return '/home/socklab' + path[1:]
    return path
