stock = {"apples": 3, "pears": 0, "plums": 12}
for fruit in stock:
    print(fruit, end=" ")
print()
for fruit, qty in stock.items():
    if qty == 0:
        continue
    print(f"{fruit}={qty}", end=";")
print()
print([ch for ch in "loop" if ch != "o"])
for i in range(10, 0, -3):
    print(i, end=",")
print()
for i, (letter, number) in enumerate(zip("abc", [10, 20, 30]), start=1):
    print(i, letter, number)
for x in reversed([1, 2, 3]):
    for y in range(x):
        if y == 1:
            break
        print((x, y), end=" ")
print()
for key in sorted(stock, key=stock.get):
    print(key, stock[key])
total = 0
for value in stock.values():
    total += value
print(total)
print("done", flush=True)
