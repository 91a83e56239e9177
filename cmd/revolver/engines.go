package main

import "github.com/spf13/cobra"

func init() { register(bbcCmd, covenantsCmd) }

func bbcCmd() *cobra.Command       { return &cobra.Command{Use: "bbc", Hidden: true} }
func covenantsCmd() *cobra.Command { return &cobra.Command{Use: "covenants", Hidden: true} }
