"""textwrap: wrap/fill/shorten (CPython's greedy algorithm, default options), dedent, indent."""

_whitespace = '\t\n\x0b\x0c\r '


def _letter(c):
    return c.isalpha()


def _split_word(word):
    """Break a word after its hyphens as CPython's wordsep_re does (letters around them)."""
    out = []
    start = 0
    n = len(word)
    for p in range(1, n - 1):
        if word[p] != '-' or p + 1 >= n:
            continue
        before = (p >= 2 and _letter(word[p - 2]) and _letter(word[p - 1])) or \
            (p >= 3 and _letter(word[p - 3]) and word[p - 2] == '-' and _letter(word[p - 1]))
        after = p + 2 < n and _letter(word[p + 1]) and (
            _letter(word[p + 2]) or (word[p + 2] == '-' and p + 3 < n and _letter(word[p + 3])))
        if before and after:
            out.append(word[start:p + 1])
            start = p + 1
    out.append(word[start:])
    return out


def _split_chunks(text, hyphens=True):
    chunks = []
    cur = ''
    for c in text:
        if (c == ' ') != (cur[:1] == ' ') and cur:
            chunks.append(cur)
            cur = ''
        cur += c
    if cur:
        chunks.append(cur)
    if not hyphens:
        return chunks
    out = []
    for ch in chunks:
        if ch[:1] == ' ':
            out.append(ch)
        else:
            out.extend(_split_word(ch))
    return out


class TextWrapper:
    def __init__(self, width=70, initial_indent="", subsequent_indent="", expand_tabs=True,
                 replace_whitespace=True, fix_sentence_endings=False, break_long_words=True,
                 drop_whitespace=True, break_on_hyphens=True, tabsize=8, *, max_lines=None,
                 placeholder=' [...]'):
        self.width = width
        self.initial_indent = initial_indent
        self.subsequent_indent = subsequent_indent
        self.expand_tabs = expand_tabs
        self.replace_whitespace = replace_whitespace
        self.break_long_words = break_long_words
        self.break_on_hyphens = break_on_hyphens
        self.drop_whitespace = drop_whitespace
        self.tabsize = tabsize
        self.max_lines = max_lines
        self.placeholder = placeholder

    def _munge(self, text):
        if self.expand_tabs:
            text = text.expandtabs(self.tabsize)
        if self.replace_whitespace:
            for c in _whitespace:
                text = text.replace(c, ' ')
        return text

    def wrap(self, text):
        chunks = _split_chunks(self._munge(text), self.break_on_hyphens)
        return self._wrap_chunks(chunks)

    def _wrap_chunks(self, chunks):
        lines = []
        if self.width <= 0:
            raise ValueError("invalid width %r (must be > 0)" % self.width)
        chunks.reverse()
        while chunks:
            cur_line = []
            cur_len = 0
            indent = self.subsequent_indent if lines else self.initial_indent
            width = self.width - len(indent)
            if self.drop_whitespace and chunks[-1].strip() == '' and lines:
                del chunks[-1]
            while chunks:
                l = len(chunks[-1])
                if cur_len + l <= width:
                    cur_line.append(chunks.pop())
                    cur_len += l
                else:
                    break
            if chunks and len(chunks[-1]) > width:
                space_left = max(width - cur_len, 1)
                if self.break_long_words:
                    end = space_left
                    chunk = chunks[-1]
                    if self.break_on_hyphens and len(chunk) > space_left:
                        hyphen = chunk.rfind('-', 0, space_left)
                        if hyphen > 0 and any(c != '-' for c in chunk[:hyphen]):
                            end = hyphen + 1
                    cur_line.append(chunk[:end])
                    chunks[-1] = chunk[end:]
                elif not cur_line:
                    cur_line.append(chunks.pop())
                cur_len = sum(map(len, cur_line))
            if self.drop_whitespace and cur_line and cur_line[-1].strip() == '':
                cur_len -= len(cur_line[-1])
                del cur_line[-1]
            if cur_line:
                if (self.max_lines is None or len(lines) + 1 < self.max_lines or
                        (not chunks or self.drop_whitespace and len(chunks) == 1 and not chunks[0].strip())
                        and cur_len <= width):
                    lines.append(indent + ''.join(cur_line))
                else:
                    while cur_line:
                        if cur_line[-1].strip() and cur_len + len(self.placeholder) <= width:
                            cur_line.append(self.placeholder)
                            lines.append(indent + ''.join(cur_line))
                            break
                        cur_len -= len(cur_line[-1])
                        del cur_line[-1]
                    else:
                        if lines:
                            prev_line = lines[-1].rstrip()
                            if len(prev_line) + len(self.placeholder) <= self.width:
                                lines[-1] = prev_line + self.placeholder
                                break
                        lines.append(indent + self.placeholder.lstrip())
                    break
        return lines

    def fill(self, text):
        return "\n".join(self.wrap(text))


def wrap(text, width=70, **kwargs):
    return TextWrapper(width=width, **kwargs).wrap(text)


def fill(text, width=70, **kwargs):
    return TextWrapper(width=width, **kwargs).fill(text)


def shorten(text, width, **kwargs):
    w = TextWrapper(width=width, max_lines=1, **kwargs)
    return w.fill(' '.join(text.strip().split()))


def dedent(text):
    lines = text.split('\n')
    margin = None
    for line in lines:
        stripped = line.lstrip(' \t')
        if not stripped:
            continue
        indent = line[:len(line) - len(stripped)]
        if margin is None:
            margin = indent
        elif indent.startswith(margin):
            pass
        elif margin.startswith(indent):
            margin = indent
        else:
            k = 0
            while k < len(margin) and k < len(indent) and margin[k] == indent[k]:
                k += 1
            margin = margin[:k]
    out = []
    for line in lines:
        if not line.strip(' \t'):
            out.append('')
        elif margin:
            out.append(line[len(margin):])
        else:
            out.append(line)
    return '\n'.join(out)


def indent(text, prefix, predicate=None):
    if predicate is None:
        def predicate(line):
            return line.strip()
    out = []
    for line in text.splitlines(True):
        out.append(prefix + line if predicate(line) else line)
    return ''.join(out)
