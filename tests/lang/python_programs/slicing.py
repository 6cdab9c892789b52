nums = list(range(10))
print(nums[2:5], nums[:3], nums[7:], nums[-3:], nums[:-7])
print(nums[::2], nums[1::3], nums[::-1], nums[8:2:-2], nums[-1:-4:-1])
print(nums[100:], nums[-100:2], nums[5:2], nums[:])
text = "Hello, World"
print(text[:5], text[7:], text[::-1], text[::3], text[-5:-1])
copy = nums[:]
copy[2:5] = ["a", "b"]
print(copy, len(copy))
copy[:0] = [-1, -2]
print(copy)
copy[::2] = [0] * len(copy[::2])
print(copy)
s = slice(1, 8, 3)
print(nums[s], text[s], s.start, s.stop, s.step, s.indices(5))
print(nums[slice(None, None, -3)], nums[slice(4)], text[slice(2, None)])
matrix = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
print([row[1:] for row in matrix[::2]], matrix[-1][::-1])
t = (0, 1, 2, 3, 4)
print(t[1:4], t[::-2], type(t[1:]) is tuple)
try:
    nums[::0]
except ValueError as e:
    print("bad step:", e)
