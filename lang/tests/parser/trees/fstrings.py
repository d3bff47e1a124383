a = f"{x!r:>{width}.{prec}}"
c = f'{d["key"]}'
d = f"{x:%Y-%m-%d %H:%M}"
e = f"{{}} {x} {{{y}}}"
f = f"{x=!r:>10}"
g = f"{ x = }"
h = f"{x:=^10}"
i = f"{x!s}{y!a}"
j = f"""{
    x
}"""
l = rf"\{x}"
m = f"\N{BULLET} {x}"
n = f"{x:{'>'}{10}}"
o = f"{3:{4}}"
p = F"{x}" + str(Rb"a")
q = f"{x:}"
r = f"{x!r:}"
s = f'{a}' f'{b}' 'c' f'{d}'
t = f"{x,}"
u = f"{(lambda: 1)()}"
v = f"{x:{y}=^10}"
w = f"{x}" "{y}"
