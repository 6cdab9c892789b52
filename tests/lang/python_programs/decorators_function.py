calls = []

def trace(func):
    def wrapper(*args, **kwargs):
        calls.append(args)
        result = func(*args, **kwargs)
        print("called with", args, sorted(kwargs.items()), "->", result)
        return result
    return wrapper

def repeat(times):
    def decorate(func):
        def wrapper(*args):
            return [func(*args) for _ in range(times)]
        return wrapper
    return decorate

def add(a, b):
    return a + b

def shout(word):
    return word.upper() + "!"

add = trace(add)
shout = repeat(3)(shout)
total = add(2, 3) + add(b=1, a=4)
print(total)
print(shout("hey"))
print(len(calls), calls)
