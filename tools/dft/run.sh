#!/bin/sh
# Resumable background run of every acelens DFT structure not yet in tools/dft/cache/.
#   nohup tools/dft/run.sh > tools/dft/run.log 2>&1 &
# Extra arguments go to driver.py (e.g. --retry-failed).
cd "$(dirname "$0")/../.." || exit 1
export OMP_NUM_THREADS=1
# let idle MPI ranks yield the core (other jobs share this 2-core machine)
export OMPI_MCA_mpi_yield_when_idle=1
exec /usr/bin/python3 tools/dft/driver.py "$@"
