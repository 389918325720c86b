// composition root (next)
