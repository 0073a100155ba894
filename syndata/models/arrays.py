"""The numpy array types the models pass around (one name per kind of array)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Floats = npt.NDArray[np.floating[Any]]  # numbers, latents, probabilities (float32 or 64)
Codes = npt.NDArray[np.int64]  # category codes, indices, counts
Ints = npt.NDArray[np.integer[Any]]  # any integers (counts as read)
Hashes = npt.NDArray[np.uint64]  # 64-bit hashes of values or rows
Values = npt.NDArray[Any]  # column values of any type (objects, keys, categories)
