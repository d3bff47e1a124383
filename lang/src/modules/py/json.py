"""json: CPython 3.11's encoder and decoder (the C scanner's messages), written for socklab."""

import _json

__all__ = ['dump', 'dumps', 'load', 'loads', 'JSONDecoder', 'JSONDecodeError', 'JSONEncoder']


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


class _Scanner:
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


_CONSTANTS = {'-Infinity': float('-inf'), 'Infinity': float('inf'), 'NaN': float('nan')}


class JSONDecoder:
    def __init__(self, *, object_hook=None, parse_float=None, parse_int=None,
                 parse_constant=None, strict=True, object_pairs_hook=None):
        self.object_hook = object_hook
        self.parse_float = parse_float or float
        self.parse_int = parse_int or int
        self.parse_constant = parse_constant or _CONSTANTS.__getitem__
        self.strict = strict
        self.object_pairs_hook = object_pairs_hook
        self.scan_once = _Scanner(self).scan_once

    def decode(self, s):
        obj, end = self.raw_decode(s, _skip(s, 0))
        end = _skip(s, end)
        if end != len(s):
            raise JSONDecodeError("Extra data", s, end)
        return obj

    def raw_decode(self, s, idx=0):
        try:
            obj, end = self.scan_once(s, idx)
        except _Stop as err:
            raise JSONDecodeError("Expecting value", s, err.pos) from None
        return obj, end


_default_decoder = JSONDecoder()


def loads(s, *, cls=None, object_hook=None, parse_float=None,
          parse_int=None, parse_constant=None, object_pairs_hook=None, **kw):
    if isinstance(s, str):
        if s.startswith('\ufeff'):
            raise JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", s, 0)
    else:
        if not isinstance(s, (bytes, bytearray)):
            raise TypeError('the JSON object must be str, bytes or bytearray, '
                            'not %s' % s.__class__.__name__)
        s = s.decode('utf-8-sig' if s.startswith(b'\xef\xbb\xbf') else 'utf-8', 'surrogatepass')
    if (cls is None and object_hook is None and parse_int is None and parse_float is None
            and parse_constant is None and object_pairs_hook is None and not kw):
        return _default_decoder.decode(s)
    if cls is None:
        cls = JSONDecoder
    if object_hook is not None:
        kw['object_hook'] = object_hook
    if object_pairs_hook is not None:
        kw['object_pairs_hook'] = object_pairs_hook
    if parse_float is not None:
        kw['parse_float'] = parse_float
    if parse_int is not None:
        kw['parse_int'] = parse_int
    if parse_constant is not None:
        kw['parse_constant'] = parse_constant
    return cls(**kw).decode(s)


def load(fp, *, cls=None, object_hook=None, parse_float=None,
         parse_int=None, parse_constant=None, object_pairs_hook=None, **kw):
    return loads(fp.read(), cls=cls, object_hook=object_hook, parse_float=parse_float,
                 parse_int=parse_int, parse_constant=parse_constant,
                 object_pairs_hook=object_pairs_hook, **kw)


class JSONEncoder:
    item_separator = ', '
    key_separator = ': '

    def __init__(self, *, skipkeys=False, ensure_ascii=True, check_circular=True,
                 allow_nan=True, sort_keys=False, indent=None, separators=None, default=None):
        self.skipkeys = skipkeys
        self.ensure_ascii = ensure_ascii
        self.check_circular = check_circular
        self.allow_nan = allow_nan
        self.sort_keys = sort_keys
        self.indent = indent
        if separators is not None:
            self.item_separator, self.key_separator = separators
        elif indent is not None:
            self.item_separator = ','
        if default is not None:
            self.default = default

    def default(self, o):
        raise TypeError(f'Object of type {o.__class__.__name__} '
                        f'is not JSON serializable')

    def encode(self, o):
        if isinstance(o, str):
            if self.ensure_ascii:
                return _json.encode_basestring_ascii(o)
            return _json.encode_basestring(o)
        chunks = []
        self._encode(o, chunks, 0, {} if self.check_circular else None)
        return ''.join(chunks)

    def iterencode(self, o, _one_shot=False):
        return iter([self.encode(o)])

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


_default_encoder = JSONEncoder()


def dumps(obj, *, skipkeys=False, ensure_ascii=True, check_circular=True,
          allow_nan=True, cls=None, indent=None, separators=None,
          default=None, sort_keys=False, **kw):
    if (not skipkeys and ensure_ascii and check_circular and allow_nan and
            cls is None and indent is None and separators is None and
            default is None and not sort_keys and not kw):
        return _default_encoder.encode(obj)
    if cls is None:
        cls = JSONEncoder
    return cls(skipkeys=skipkeys, ensure_ascii=ensure_ascii,
               check_circular=check_circular, allow_nan=allow_nan, indent=indent,
               separators=separators, default=default, sort_keys=sort_keys,
               **kw).encode(obj)


def dump(obj, fp, *, skipkeys=False, ensure_ascii=True, check_circular=True,
         allow_nan=True, cls=None, indent=None, separators=None,
         default=None, sort_keys=False, **kw):
    fp.write(dumps(obj, skipkeys=skipkeys, ensure_ascii=ensure_ascii,
                   check_circular=check_circular, allow_nan=allow_nan, cls=cls,
                   indent=indent, separators=separators, default=default,
                   sort_keys=sort_keys, **kw))
