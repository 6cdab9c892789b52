def make_counter(start=0, step=1):
    count = start
    def increment():
        nonlocal count
        count += step
        return count
    def reset():
        nonlocal count
        count = start
    return increment, reset

inc, reset = make_counter()
print(inc(), inc(), inc())
reset()
print(inc())
inc10 = make_counter(100, 10)[0]
print(inc10(), inc10(), inc())

def make_accumulator():
    history = []
    def add(x):
        history.append(x)
        return sum(history)
    return add

acc = make_accumulator()
print([acc(v) for v in [5, 10, -3]])
