"""The matching engine (マッチング): pure Python/NumPy/OR-Tools, no Django imports."""
