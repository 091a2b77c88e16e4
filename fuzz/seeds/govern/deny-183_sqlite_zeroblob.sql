SELECT hex(zeroblob(1000000000))
