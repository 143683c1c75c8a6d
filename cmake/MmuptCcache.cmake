# Use ccache when present: iterative builds on 2 cores are dominated by libtorch headers.
find_program(MMUPT_CCACHE ccache)
if(MMUPT_CCACHE AND NOT CMAKE_CXX_COMPILER_LAUNCHER)
    set(CMAKE_CXX_COMPILER_LAUNCHER ${MMUPT_CCACHE})
endif()
