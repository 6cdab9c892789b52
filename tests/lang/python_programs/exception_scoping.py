def risky(n):
    if n % 3 == 0:
        raise ValueError(f"multiple of three: {n}")
    return n

results, errors = [], []
for n in range(7):
    try:
        results.append(risky(n))
    except ValueError as err:
        errors.append(str(err))
print(results, errors)
try:
    print(err)
except NameError:
    print("the except variable is unbound after the handler")
def nested():
    try:
        try:
            raise KeyError("inner")
        finally:
            print("inner finally")
    except KeyError as e:
        print("outer caught", e)
        try:
            return "handled"
        finally:
            print("outer finally")

print(nested())
