def shift_char(c, k):
    if c.isupper():
        return chr((ord(c) - ord("A") + k) % 26 + ord("A"))
    if c.islower():
        return chr((ord(c) - ord("a") + k) % 26 + ord("a"))
    return c

def caesar(text, k):
    return "".join(shift_char(c, k) for c in text)

msg = "Attack at Dawn, Zebra!"
enc = caesar(msg, 3)
print(enc)
print(caesar(enc, -3), caesar(enc, -3) == msg)
print(caesar("xyz", 29), caesar("ABC", -1))
freq = {}
for c in enc.lower():
    if c.isalpha():
        freq[c] = freq.get(c, 0) + 1
print(sorted(freq.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
table = {c: shift_char(c, 13) for c in "abcxyz"}
print(table, caesar(caesar("Round trip", 13), 13))
