"""_json_impl: the scanner and encoder that CPython has in C (_json), in Python for socklab;
hidden from tracebacks as C code is."""

import _json

# Created with the module name CPython's class has, so tracebacks say json.decoder.JSONDecodeError.
__name__ = 'json.decoder'


class JSONDecodeError(ValueError):
    def __init__(self, msg, doc, pos):
        lineno = doc.count('\n', 0, pos) + 1
        colno = pos - doc.rfind('\n', 0, pos)
        errmsg = '%s: line %d column %d (char %d)' % (msg, lineno, colno, pos)
        ValueError.__init__(self, errmsg)
        self.msg = msg
        self.doc = doc
        self.pos = pos
        self.lineno = lineno
        self.colno = colno

    def __reduce__(self):
        return self.__class__, (self.msg, self.doc, self.pos)


__name__ = '_json_impl'



_WS = ' \t\n\r'
_BACKSLASH = {'"': '"', '\\': '\\', '/': '/', 'b': '\b', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t'}
_HEX = '0123456789abcdefABCDEF'
_DIGITS = '0123456789'


def _skip(s, end):
    n = len(s)
    while end < n and s[end] in _WS:
        end += 1
    return end


class _Stop(Exception):
    def __init__(self, pos):
        Exception.__init__(self, pos)
        self.pos = pos
        self.value = pos


class _Match:
    def __init__(self, end):
        self._end = end

    def end(self):
        return self._end


class _Whitespace:
    def match(self, s, pos=0):
        return _Match(_skip(s, pos))


WHITESPACE = _Whitespace()


def _scanstring(s, end, strict=True):
    """Scan the string literal whose opening quote is at end - 1."""
    chunks = []
    begin = end - 1
    n = len(s)
    while True:
        start = end
        while end < n:
            c = s[end]
            if c == '"' or c == '\\' or c < ' ':
                break
            end += 1
        if end >= n:
            raise JSONDecodeError("Unterminated string starting at", s, begin)
        if end > start:
            chunks.append(s[start:end])
        c = s[end]
        end += 1
        if c == '"':
            break
        if c != '\\':
            if strict:
                raise JSONDecodeError("Invalid control character at", s, end - 1)
            chunks.append(c)
            continue
        if end >= n:
            raise JSONDecodeError("Unterminated string starting at", s, begin)
        esc = s[end]
        if esc != 'u':
            if esc not in _BACKSLASH:
                raise JSONDecodeError("Invalid \\escape", s, end - 1)
            chunks.append(_BACKSLASH[esc])
            end += 1
            continue
        uni = _decode_uXXXX(s, end)
        end += 5
        if 0xd800 <= uni <= 0xdbff and s[end:end + 2] == '\\u':
            uni2 = _decode_uXXXX(s, end + 1)
            if 0xdc00 <= uni2 <= 0xdfff:
                uni = 0x10000 + (((uni - 0xd800) << 10) | (uni2 - 0xdc00))
                end += 6
        chunks.append(chr(uni))
    return ''.join(chunks), end


def _decode_uXXXX(s, pos):
    esc = s[pos + 1:pos + 5]
    if len(esc) == 4 and esc[0] in _HEX and esc[1] in _HEX and esc[2] in _HEX and esc[3] in _HEX:
        return int(esc, 16)
    raise JSONDecodeError("Invalid \\uXXXX escape", s, pos)


class make_scanner:
    def __init__(self, decoder):
        self.strict = decoder.strict
        self.object_hook = decoder.object_hook
        self.object_pairs_hook = decoder.object_pairs_hook
        self.parse_float = decoder.parse_float
        self.parse_int = decoder.parse_int
        self.parse_constant = decoder.parse_constant

    def scan_once(self, s, idx):
        n = len(s)
        if idx >= n:
            raise _Stop(idx)
        c = s[idx]
        if c == '"':
            return _scanstring(s, idx + 1, self.strict)
        if c == '{':
            return self.parse_object(s, idx + 1)
        if c == '[':
            return self.parse_array(s, idx + 1)
        if c == 'n' and s[idx:idx + 4] == 'null':
            return None, idx + 4
        if c == 't' and s[idx:idx + 4] == 'true':
            return True, idx + 4
        if c == 'f' and s[idx:idx + 5] == 'false':
            return False, idx + 5
        end = idx
        if end < n and s[end] == '-':
            end += 1
        if end < n and s[end] in _DIGITS:
            if s[end] == '0':
                end += 1
            else:
                while end < n and s[end] in _DIGITS:
                    end += 1
            is_float = False
            if end + 1 < n and s[end] == '.' and s[end + 1] in _DIGITS:
                end += 2
                while end < n and s[end] in _DIGITS:
                    end += 1
                is_float = True
            if end < n and s[end] in 'eE':
                e = end + 1
                if e < n and s[e] in '+-':
                    e += 1
                if e < n and s[e] in _DIGITS:
                    while e < n and s[e] in _DIGITS:
                        e += 1
                    end = e
                    is_float = True
            text = s[idx:end]
            if is_float:
                return self.parse_float(text), end
            return self.parse_int(text), end
        if c == 'N' and s[idx:idx + 3] == 'NaN':
            return self.parse_constant('NaN'), idx + 3
        if c == 'I' and s[idx:idx + 8] == 'Infinity':
            return self.parse_constant('Infinity'), idx + 8
        if c == '-' and s[idx:idx + 9] == '-Infinity':
            return self.parse_constant('-Infinity'), idx + 9
        raise _Stop(idx)

    def _value(self, s, end):
        try:
            return self.scan_once(s, end)
        except _Stop as err:
            raise JSONDecodeError("Expecting value", s, err.pos) from None

    def parse_object(self, s, end):
        pairs = []
        nextchar = s[end:end + 1]
        if nextchar != '"':
            if nextchar in _WS:
                end = _skip(s, end)
                nextchar = s[end:end + 1]
            if nextchar == '}':
                if self.object_pairs_hook is not None:
                    return self.object_pairs_hook(pairs), end + 1
                pairs = {}
                if self.object_hook is not None:
                    pairs = self.object_hook(pairs)
                return pairs, end + 1
            elif nextchar != '"':
                raise JSONDecodeError("Expecting property name enclosed in double quotes", s, end)
        end += 1
        while True:
            key, end = _scanstring(s, end, self.strict)
            if s[end:end + 1] != ':':
                end = _skip(s, end)
                if s[end:end + 1] != ':':
                    raise JSONDecodeError("Expecting ':' delimiter", s, end)
            end = _skip(s, end + 1)
            value, end = self._value(s, end)
            pairs.append((key, value))
            end = _skip(s, end)
            nextchar = s[end:end + 1]
            end += 1
            if nextchar == '}':
                break
            elif nextchar != ',':
                raise JSONDecodeError("Expecting ',' delimiter", s, end - 1)
            end = _skip(s, end)
            nextchar = s[end:end + 1]
            end += 1
            if nextchar != '"':
                raise JSONDecodeError("Expecting property name enclosed in double quotes", s, end - 1)
        if self.object_pairs_hook is not None:
            return self.object_pairs_hook(pairs), end
        pairs = dict(pairs)
        if self.object_hook is not None:
            pairs = self.object_hook(pairs)
        return pairs, end

    def parse_array(self, s, end):
        values = []
        end = _skip(s, end)
        if s[end:end + 1] == ']':
            return values, end + 1
        while True:
            value, end = self._value(s, end)
            values.append(value)
            end = _skip(s, end)
            nextchar = s[end:end + 1]
            end += 1
            if nextchar == ']':
                break
            elif nextchar != ',':
                raise JSONDecodeError("Expecting ',' delimiter", s, end - 1)
            end = _skip(s, end)
        return values, end




class make_encoder:
    """What c_make_encoder builds: called with (o, level), returns the chunks."""

    def __init__(self, enc):
        self.enc = enc
        self.indent = enc.indent
        self.allow_nan = enc.allow_nan
        self.ensure_ascii = enc.ensure_ascii
        self.sort_keys = enc.sort_keys
        self.skipkeys = enc.skipkeys
        self.item_separator = enc.item_separator
        self.key_separator = enc.key_separator
        self.default = enc.default
        self.check_circular = enc.check_circular

    def __call__(self, o, level):
        chunks = []
        self._encode(o, chunks, level, {} if self.check_circular else None)
        return chunks

    def _floatstr(self, o):
        if o != o:
            text = 'NaN'
        elif o == float('inf'):
            text = 'Infinity'
        elif o == float('-inf'):
            text = '-Infinity'
        else:
            return repr(o)
        if not self.allow_nan:
            raise ValueError("Out of range float values are not JSON compliant")
        return text

    def _str(self, s):
        if self.ensure_ascii:
            return _json.encode_basestring_ascii(s)
        return _json.encode_basestring(s)

    def _encode(self, o, out, level, markers):
        if isinstance(o, str):
            out.append(self._str(o))
        elif o is None:
            out.append('null')
        elif o is True:
            out.append('true')
        elif o is False:
            out.append('false')
        elif isinstance(o, int):
            out.append(repr(int(o)))
        elif isinstance(o, float):
            out.append(self._floatstr(o))
        elif isinstance(o, (list, tuple)):
            self._encode_list(o, out, level, markers)
        elif isinstance(o, dict):
            self._encode_dict(o, out, level, markers)
        else:
            if markers is not None:
                key = id(o)
                if key in markers:
                    raise ValueError("Circular reference detected")
                markers[key] = o
            self._encode(self.default(o), out, level, markers)
            if markers is not None:
                del markers[id(o)]

    def _newline(self, level):
        indent = self.indent
        if not isinstance(indent, str):
            indent = ' ' * indent
        return '\n' + indent * level

    def _encode_list(self, lst, out, level, markers):
        if not lst:
            out.append('[]')
            return
        if markers is not None:
            key = id(lst)
            if key in markers:
                raise ValueError("Circular reference detected")
            markers[key] = lst
        out.append('[')
        if self.indent is not None:
            level += 1
            newline = self._newline(level)
            sep = self.item_separator + newline
            out.append(newline)
        else:
            newline = None
            sep = self.item_separator
        first = True
        for v in lst:
            if first:
                first = False
            else:
                out.append(sep)
            self._encode(v, out, level, markers)
        if newline is not None:
            level -= 1
            out.append(self._newline(level))
        out.append(']')
        if markers is not None:
            del markers[id(lst)]

    def _encode_dict(self, dct, out, level, markers):
        if not dct:
            out.append('{}')
            return
        if markers is not None:
            key = id(dct)
            if key in markers:
                raise ValueError("Circular reference detected")
            markers[key] = dct
        out.append('{')
        if self.indent is not None:
            level += 1
            newline = self._newline(level)
            sep = self.item_separator + newline
            out.append(newline)
        else:
            newline = None
            sep = self.item_separator
        first = True
        items = sorted(dct.items()) if self.sort_keys else dct.items()
        for key, value in items:
            if isinstance(key, str):
                pass
            elif isinstance(key, float):
                key = self._floatstr(key)
            elif key is True:
                key = 'true'
            elif key is False:
                key = 'false'
            elif key is None:
                key = 'null'
            elif isinstance(key, int):
                key = repr(int(key))
            elif self.skipkeys:
                continue
            else:
                raise TypeError(f'keys must be str, int, float, bool or None, '
                                f'not {key.__class__.__name__}')
            if first:
                first = False
            else:
                out.append(sep)
            out.append(self._str(key))
            out.append(self.key_separator)
            self._encode(value, out, level, markers)
        if newline is not None:
            level -= 1
            out.append(self._newline(level))
        out.append('}')
        if markers is not None:
            del markers[id(dct)]


