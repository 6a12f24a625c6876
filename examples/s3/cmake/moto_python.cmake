# THUMB_MOTO_PYTHON: the python3 that runs the S3 and Lambda tests, which
# start moto_server and drive it with boto3 (Debian packages neither).
# python3 on PATH unless given; scripts/test.sh passes the one
# scripts/test-python.sh chose (a venv under the build folder when python3
# lacks them). Checked here, so that a machine without them fails at once,
# naming them, rather than each test with a traceback.
include_guard(GLOBAL)
find_program(THUMB_MOTO_PYTHON python3 REQUIRED)
# Checked once per interpreter: the import takes seconds.
if(NOT THUMB_MOTO_PYTHON_CHECKED STREQUAL THUMB_MOTO_PYTHON)
  execute_process(COMMAND ${THUMB_MOTO_PYTHON} -c "import moto.server, boto3"
    RESULT_VARIABLE _thumb_moto_missing OUTPUT_QUIET ERROR_QUIET)
  if(_thumb_moto_missing)
    message(FATAL_ERROR "${THUMB_MOTO_PYTHON} cannot import moto[server] and "
      "boto3, which the S3 and Lambda tests need. scripts/test.sh installs "
      "them (into a venv under the build folder if need be); or pass "
      "-DTHUMB_MOTO_PYTHON=<a python3 that has them>, or configure with "
      "-DTHUMB_BUILD_TESTS=OFF.")
  endif()
  set(THUMB_MOTO_PYTHON_CHECKED ${THUMB_MOTO_PYTHON} CACHE INTERNAL
    "The THUMB_MOTO_PYTHON that could import moto[server] and boto3")
endif()
