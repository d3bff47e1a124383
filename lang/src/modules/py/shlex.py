"""shlex: POSIX-mode split, quote and join as CPython's shlex does them for common input."""

__all__ = ["split", "quote", "join"]

_SAFE = set('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789@%+=:,./-_')


def split(s, comments=False, posix=True):
    if s is None:
        raise ValueError("s argument must not be None")
    words = []
    word = None
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c in ' \t\r\n':
            if word is not None:
                words.append(word)
                word = None
            i += 1
        elif comments and c == '#' and word is None:
            while i < n and s[i] != '\n':
                i += 1
        elif c == "'":
            j = s.find("'", i + 1)
            if j < 0:
                raise ValueError("No closing quotation")
            word = (word or '') + s[i + 1:j]
            i = j + 1
        elif c == '"':
            i += 1
            buf = ''
            while True:
                if i >= n:
                    raise ValueError("No closing quotation")
                c = s[i]
                if c == '"':
                    i += 1
                    break
                if c == '\\' and i + 1 < n and s[i + 1] in '\\"$`\n':
                    buf += s[i + 1]
                    i += 2
                    continue
                buf += c
                i += 1
            word = (word or '') + buf
        elif c == '\\':
            if i + 1 >= n:
                raise ValueError("No escaped character")
            word = (word or '') + s[i + 1]
            i += 2
        else:
            word = (word or '') + c
            i += 1
    if word is not None:
        words.append(word)
    return words


def quote(s):
    if not s:
        return "''"
    for c in s:
        if c not in _SAFE:
            return "'" + s.replace("'", "'\"'\"'") + "'"
    return s


def join(split_command):
    return ' '.join(quote(arg) for arg in split_command)
