data = [5, 3, 8, 0, 2]
it = iter(data)
while (value := next(it, None)) is not None:
    if value == 0:
        print("zero found, stopping")
        break
    print("value", value)

values = [1, 4, 9, 16, 25]
print([y for x in values if (y := x // 2) > 3])
print("last y after comprehension:", y)
print([(n, s) for n in range(6) if (s := n * n) % 2 == 0])
if (count := len(values)) > 3:
    print("many values:", count)
total = 0
print([total := total + v for v in values], total)
text = "a,b,,c"
pos = 0
parts = []
while (nxt := text.find(",", pos)) != -1:
    parts.append(text[pos:nxt])
    pos = nxt + 1
parts.append(text[pos:])
print(parts)
