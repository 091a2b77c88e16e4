SELECT length(repeat(repeat('x', 100000), 100000))
