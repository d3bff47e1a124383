import math

print(math.sqrt(2), math.floor(2.5), math.ceil(-0.5), math.floor(-2), math.ceil(1e20), math.trunc(-2.7))
print(math.pi, math.e, math.tau, math.inf, -math.inf, math.nan, math.isnan(math.nan), math.isinf(math.inf))
print(math.gcd(12, 18), math.gcd(0, 0), math.gcd(2 ** 70, 2 ** 65 * 3), math.lcm(4, 6), math.factorial(20), math.factorial(25))
print(math.log(8, 2), math.log(math.e), math.log2(1024), math.log10(1000), math.log(10 ** 100), math.exp(1), math.log1p(1e-10))
print(math.pow(2, 10), math.pow(2, 0.5), math.fabs(-3), math.copysign(1, -0.0), math.fmod(7, 3), math.modf(2.5))
print(math.isclose(1.0, 1.0 + 1e-10), math.isclose(1, 1.1), math.isclose(1, 1.1, rel_tol=0.2), math.isclose(0, 1e-12, abs_tol=1e-9))
print(math.prod([1, 2, 3, 4]), math.prod([]), math.prod([1.5, 2]), math.prod(range(1, 6), start=2))
print(math.fsum([0.1] * 10), sum([0.1] * 10), math.fsum([1e100, 1.0, -1e100, 1e-100]), math.hypot(3, 4), math.dist((0, 0), (3, 4)))
print(math.comb(5, 2), math.perm(5, 2), math.perm(4), math.isqrt(17), math.degrees(math.pi), math.radians(180))
print(math.sin(0), math.cos(0), round(math.tan(math.pi / 4), 12), math.atan2(1, 1), math.asin(1), math.acos(1), math.atan(1))
for call in [lambda: math.sqrt(-1), lambda: math.log(0), lambda: math.log(-1), lambda: math.exp(1000),
             lambda: math.pow(0, -1), lambda: math.factorial(-1), lambda: math.floor(math.inf),
             lambda: math.floor(math.nan), lambda: math.sqrt("x"), lambda: math.gcd(1.5, 2), lambda: math.factorial(1.5)]:
    try:
        call()
    except (ValueError, OverflowError, TypeError) as e:
        print(type(e).__name__, e)
