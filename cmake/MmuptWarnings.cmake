# mmupt_set_warnings(target): -Wall -Wextra on our own code only (dependency headers are SYSTEM).
function(mmupt_set_warnings target)
    if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        target_compile_options(${target} PRIVATE -Wall -Wextra)
    endif()
endfunction()
