# yhteys_proto_library(NAME name PROTOS ... [GRPC] [DEPS ...])
#   Generates C++ from .proto files under proto/ (paths relative to proto/)
#   into the build tree and wraps them in the static library yhteys_<name>.
set(YHTEYS_PROTO_ROOT "${PROJECT_SOURCE_DIR}/proto")
set(YHTEYS_PROTO_OUT "${PROJECT_BINARY_DIR}/proto_gen")
file(MAKE_DIRECTORY "${YHTEYS_PROTO_OUT}")

function(yhteys_proto_library)
  cmake_parse_arguments(ARG "GRPC" "NAME" "PROTOS;DEPS" ${ARGN})
  set(srcs)
  foreach(proto ${ARG_PROTOS})
    get_filename_component(dir "${proto}" DIRECTORY)
    get_filename_component(stem "${proto}" NAME_WE)
    set(base "${YHTEYS_PROTO_OUT}/${dir}/${stem}")
    set(outs "${base}.pb.cc" "${base}.pb.h")
    set(plugin_args)
    if(ARG_GRPC)
      list(APPEND outs "${base}.grpc.pb.cc" "${base}.grpc.pb.h")
      set(plugin_args
        --grpc_out=${YHTEYS_PROTO_OUT}
        --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>)
    endif()
    add_custom_command(
      OUTPUT ${outs}
      COMMAND protobuf::protoc
        --proto_path=${YHTEYS_PROTO_ROOT}
        --cpp_out=${YHTEYS_PROTO_OUT}
        ${plugin_args}
        ${YHTEYS_PROTO_ROOT}/${proto}
      DEPENDS ${YHTEYS_PROTO_ROOT}/${proto} protobuf::protoc
      COMMENT "protoc ${proto}"
      VERBATIM)
    list(FILTER outs INCLUDE REGEX "\\.cc$")
    list(APPEND srcs ${outs})
  endforeach()
  set(target yhteys_${ARG_NAME})
  # Shared, so that every message is in the generated descriptor pool of
  # whatever links it (events are decoded by name from ce_type).
  add_library(${target} SHARED ${srcs})
  add_library(yhteys::${ARG_NAME} ALIAS ${target})
  target_include_directories(${target} PUBLIC ${YHTEYS_PROTO_OUT})
  target_compile_options(${target} PRIVATE -w)
  target_link_libraries(${target} PUBLIC ${ARG_DEPS} protobuf::libprotobuf)
  if(ARG_GRPC)
    target_link_libraries(${target} PUBLIC gRPC::grpc++)
  endif()
  install(TARGETS ${target} LIBRARY DESTINATION lib COMPONENT runtime)
endfunction()
