def greet():
    """Say hi."""
def bare():
    pass
print(greet.__doc__, bare.__doc__)
greet.__doc__ = 'Say hello.'
bare.__doc__ = 'Now documented.'
print(greet.__doc__, bare.__doc__)
def deco(f):
    def wrapper(*a):
        return f(*a)
    wrapper.__doc__ = f.__doc__
    wrapper.__name__ = f.__name__
    return wrapper
@deco
def add(a, b):
    """Add two numbers."""
    return a + b
print(add(2, 3), add.__name__, add.__doc__)
