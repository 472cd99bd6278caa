"""HTTP controllers: validate input, call one service method, serialize the result."""
