"""Rules with a number in them, tested at N−1, N and N+1 and at the edges people hit."""
