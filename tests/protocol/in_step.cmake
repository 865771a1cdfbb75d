# cmake -DGENERATED=FILE -DCOMMITTED=FILE -P in_step.cmake: fails when the committed copy of a
# generated file (docs/protocol-reference.md) is not what the generator makes of the schema.
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${GENERATED} ${COMMITTED}
                RESULT_VARIABLE differs)
if(differs)
    message(FATAL_ERROR "${COMMITTED} is not what server/protocol/generate.py makes of schema.toml; "
                        "after a build: cp ${GENERATED} ${COMMITTED}")
endif()
message(STATUS "${COMMITTED} is in step with schema.toml")
