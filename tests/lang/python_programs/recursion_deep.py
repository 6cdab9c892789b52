def count_down(n):
    if n == 0:
        return 0
    return 1 + count_down(n - 1)

print(count_down(400))

def sum_list(values):
    if not values:
        return 0
    return values[0] + sum_list(values[1:])

print(sum_list(list(range(300))))

def is_even(n):
    return True if n == 0 else is_odd(n - 1)

def is_odd(n):
    return False if n == 0 else is_even(n - 1)

print(is_even(200), is_odd(151))

def runaway(n):
    return runaway(n + 1)

try:
    runaway(0)
except RecursionError as e:
    print("RecursionError caught:", isinstance(e, RecursionError))
print("still running:", count_down(50))
