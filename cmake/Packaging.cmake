# `cmake --install` and `make package` (CPack, a .deb): the binary stripped (its debug info stays
# beside it in the build tree, build/package/kubeiam.debug, linked by .gnu_debuglink: copy it to
# /usr/lib/debug/usr/bin/ to debug an installed kubeiam), the config reference and the guides, the
# example configs and deploy manifests, `kubeiam --help-all` as text, a starter
# /etc/kubeiam/config.yaml (a conffile) and the systemd unit; the package's scripts create the
# kubeiam system user.

# The installed binary: stripped, with a .gnu_debuglink to kubeiam.debug.
set(KUBEIAM_STRIPPED ${CMAKE_BINARY_DIR}/package/kubeiam)
set(KUBEIAM_DEBUG ${CMAKE_BINARY_DIR}/package/kubeiam.debug)
add_custom_command(
  OUTPUT ${KUBEIAM_STRIPPED} ${KUBEIAM_DEBUG} ${CMAKE_BINARY_DIR}/package/kubeiam-help.txt
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/package
  COMMAND ${CMAKE_OBJCOPY} --only-keep-debug $<TARGET_FILE:kubeiam> ${KUBEIAM_DEBUG}
  COMMAND ${CMAKE_STRIP} --strip-all -o ${KUBEIAM_STRIPPED} $<TARGET_FILE:kubeiam>
  COMMAND ${CMAKE_OBJCOPY} --add-gnu-debuglink=${KUBEIAM_DEBUG} ${KUBEIAM_STRIPPED}
  COMMAND $<TARGET_FILE:kubeiam> --help-all > ${CMAKE_BINARY_DIR}/package/kubeiam-help.txt
  DEPENDS kubeiam
  COMMENT "Stripping kubeiam (debug info in kubeiam.debug)")
add_custom_target(kubeiam_stripped ALL DEPENDS ${KUBEIAM_STRIPPED})

include(GNUInstallDirs)
install(PROGRAMS ${KUBEIAM_STRIPPED} DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT kubeiam)
install(FILES README.md docs/config.md docs/deploy.md docs/high-availability.md docs/reliability.md ${CMAKE_BINARY_DIR}/package/kubeiam-help.txt
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT kubeiam)
install(DIRECTORY examples/ DESTINATION ${CMAKE_INSTALL_DATADIR}/kubeiam/examples COMPONENT kubeiam
        PATTERN "run-token-example" PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
install(DIRECTORY deploy/ DESTINATION ${CMAKE_INSTALL_DATADIR}/kubeiam/deploy COMPONENT kubeiam)
install(FILES deploy/systemd/kubeiam.service DESTINATION lib/systemd/system COMPONENT kubeiam)
install(FILES packaging/config.yaml DESTINATION /etc/kubeiam PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ COMPONENT kubeiam)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME kubeiam)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "kubeiam maintainers <kubeiam@example.org>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "AWS IAM login and access for Kubernetes")
set(CPACK_PACKAGE_DESCRIPTION "kubeiam authenticates Kubernetes users with AWS IAM (the aws-iam-authenticator token
 format), maps them through EKS access entries and aws-auth, and authorizes with RBAC and EKS
 access policies; with tools to ask who can do what, starting from an IAM ARN.")
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${CMAKE_SOURCE_DIR}/packaging/conffiles ${CMAKE_SOURCE_DIR}/packaging/postinst
    ${CMAKE_SOURCE_DIR}/packaging/prerm ${CMAKE_SOURCE_DIR}/packaging/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(CPACK_INSTALL_DEFAULT_DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE WORLD_READ WORLD_EXECUTE)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_COMPONENTS_ALL kubeiam)
include(CPack)
