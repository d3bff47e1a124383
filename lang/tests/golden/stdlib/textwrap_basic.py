import textwrap
text = "The quick brown fox jumps over the lazy dog. " * 4 + "Supercalifragilisticexpialidocious-and-then-some-more-words here."
for w in (20, 33, 70):
    print(textwrap.fill(text, width=w))
    print('--')
print(textwrap.wrap("short", 10), textwrap.wrap("", 10), textwrap.wrap("   leading and  double  spaces  ", 12))
print(textwrap.fill(text, 40, initial_indent="* ", subsequent_indent="  "))
print(textwrap.shorten("Hello  world! This is a long sentence.", width=20), textwrap.shorten("tiny", 10))
print(repr(textwrap.dedent("""
    def f():
        return 1
  """)), repr(textwrap.indent("a\n\nb\n", "> ")))
