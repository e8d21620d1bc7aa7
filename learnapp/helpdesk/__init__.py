"""Help requests shared by the learner's and the mentor's pages: what each sees of them."""
