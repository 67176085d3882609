"""Imported first by the bench scripts: one BLAS/OpenMP thread per process (inherited by
subprocesses), set before numpy, thinc or onnxruntime is imported."""
import os

for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS",
              "VECLIB_MAXIMUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_name] = "1"
