"""string: CPython's constants, capwords and Template (Formatter is not provided)."""

whitespace = ' \t\n\r\v\f'
ascii_lowercase = 'abcdefghijklmnopqrstuvwxyz'
ascii_uppercase = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'
ascii_letters = ascii_lowercase + ascii_uppercase
digits = '0123456789'
hexdigits = digits + 'abcdef' + 'ABCDEF'
octdigits = '01234567'
punctuation = r"""!"#$%&'()*+,-./:;<=>?@[\]^_`{|}~"""
printable = digits + ascii_letters + punctuation + whitespace


def capwords(s, sep=None):
    return (sep or ' ').join(map(str.capitalize, s.split(sep)))


class Template:
    """$-substitution as CPython's string.Template ($name, ${name}, $$)."""
    delimiter = '$'

    def __init__(self, template):
        self.template = template

    def _sub(self, mapping, kws, safe):
        if mapping is None:
            mapping = kws
        elif kws:
            merged = dict(mapping)
            merged.update(kws)
            mapping = merged
        s = self.template
        out = []
        i = 0
        n = len(s)
        while i < n:
            c = s[i]
            if c != '$':
                out.append(c)
                i += 1
                continue
            if i + 1 < n and s[i + 1] == '$':
                out.append('$')
                i += 2
                continue
            j = i + 1
            braced = j < n and s[j] == '{'
            if braced:
                j += 1
            k = j
            while k < n and (s[k] == '_' or s[k].isascii() and s[k].isalnum()) and not (k == j and s[k].isdigit()):
                k += 1
            name = s[j:k]
            if not name or (braced and (k >= n or s[k] != '}')):
                if safe:
                    out.append('$')
                    i += 1
                    continue
                pos = i + 1
                lines = s[:pos].splitlines(True)
                if not lines:
                    colno, lineno = 1, 1
                else:
                    colno = pos - len(''.join(lines[:-1]))
                    lineno = len(lines)
                raise ValueError('Invalid placeholder in string: line %d, col %d' % (lineno, colno))
            end = k + 1 if braced else k
            if name in mapping:
                out.append(str(mapping[name]))
            elif safe:
                out.append(s[i:end])
            else:
                raise KeyError(name)
            i = end
        return ''.join(out)

    def substitute(self, mapping=None, **kws):
        return self._sub(mapping, kws, False)

    def safe_substitute(self, mapping=None, **kws):
        return self._sub(mapping, kws, True)
