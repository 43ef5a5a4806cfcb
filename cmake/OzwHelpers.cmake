# ozw_library(NAME DIR DEPS...): one static library per top-level folder.
# Sources are globbed (CONFIGURE_DEPENDS) so that a new file in a folder needs no edit of a
# shared list: several people work on disjoint folders at once.
function(ozw_library name dir)
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS "${CMAKE_SOURCE_DIR}/${dir}/*.cpp")
  list(FILTER _srcs EXCLUDE REGEX "/main\\.cpp$")
  add_library(${name} STATIC ${_srcs})
  target_include_directories(${name} PUBLIC ${CMAKE_SOURCE_DIR})
  target_link_libraries(${name} PUBLIC ${ARGN})
endfunction()

# ozw_test(NAME LABEL SOURCE_DIR LIBS...): one GoogleTest binary per tests/<folder>/<label>.
function(ozw_test name label dir)
  file(GLOB_RECURSE _srcs CONFIGURE_DEPENDS "${CMAKE_CURRENT_SOURCE_DIR}/${dir}/*.cpp")
  if(NOT _srcs)
    return()
  endif()
  add_executable(${name} ${_srcs})
  target_link_libraries(${name} PRIVATE ${ARGN} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    OZW_SOURCE_DIR="${CMAKE_SOURCE_DIR}"
    OZW_BINARY_DIR="${CMAKE_BINARY_DIR}"
    OZW_SHARED_DIR="${CMAKE_SOURCE_DIR}/../shared")
  # Every test has a deadline: 30 s for a unit test, 120 s for an integration test.
  if(label STREQUAL "unit")
    set(_timeout 30)
  else()
    set(_timeout 120)
  endif()
  gtest_discover_tests(${name} PROPERTIES LABELS ${label} TIMEOUT ${_timeout}
                       DISCOVERY_TIMEOUT 60 TEST_PREFIX "${name}.")
endfunction()
