class Grid:
    def __init__(self, rows, cols, fill=0):
        self.rows = rows
        self.cols = cols
        self.cells = [fill] * (rows * cols)
    def __len__(self):
        return len(self.cells)
    def __getitem__(self, pos):
        r, c = pos
        return self.cells[r * self.cols + c]
    def __setitem__(self, pos, value):
        r, c = pos
        self.cells[r * self.cols + c] = value
    def __iter__(self):
        return iter([self.cells[r * self.cols:(r + 1) * self.cols] for r in range(self.rows)])
    def __contains__(self, value):
        return value in self.cells

g = Grid(2, 3)
g[0, 1] = 5
g[1, 2] = 7
g[1, 2] += 1
print(len(g), g[0, 1], g[1, 2])
for row in g:
    print(row)
print(5 in g, 99 in g, 99 not in g)
print(list(g), sorted(g, reverse=True))
print(sum(sum(row) for row in g), bool(g), bool(Grid(0, 0)))
