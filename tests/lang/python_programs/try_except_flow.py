def divide(a, b):
    try:
        result = a / b
    except ZeroDivisionError as e:
        print("error:", e)
        return None
    else:
        print("ok:", result)
        return result
    finally:
        print("finally for", a, b)

def steps():
    order = []
    for i in range(3):
        try:
            order.append(f"try{i}")
            if i == 1:
                continue
            if i == 2:
                break
        finally:
            order.append(f"finally{i}")
    return order

print(divide(6, 3))
print(divide(1, 0))
print(steps())
