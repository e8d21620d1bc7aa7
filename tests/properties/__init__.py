"""Property tests of the pure rules: spreadsheet escaping, the `next` redirect, the Markdown
sanitiser and quiz grading. Each property says what must hold for every input, not for a few
chosen ones; hypothesis looks for the input that breaks it."""
